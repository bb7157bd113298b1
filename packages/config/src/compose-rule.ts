import type { ComposeDocument } from './compose-document';
import type { Variant } from './stack-model';

/** What a rule may read besides the parsed document. */
export interface ComposeRuleContext {
  /** prod publishes only what a person opens and keeps the backend network internal. */
  readonly variant: Variant;
  /** The file's text, for rules about how it is written (YAML 1.1 scalars), not only what it says. */
  readonly text: string;
}

/** One rule for compose documents, portability or security; run by validateComposeRules. */
export interface ComposeRule {
  /** Stable id, the `rule` of its problems: `podman/healthcheck-cmd-shell`, `cis/5.3`. */
  readonly id: string;
  /** What goes wrong without it, and where the rule comes from (a tool's bug, a CIS Docker Benchmark item). */
  readonly why: string;
  /** One message per violation, naming the service and the fix. */
  check(doc: ComposeDocument, context: ComposeRuleContext): string[];
}
