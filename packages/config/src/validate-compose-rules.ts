import type { ComposeDocument } from './compose-document';
import type { ComposeRule, ComposeRuleContext } from './compose-rule';
import { PORTABILITY_RULES } from './portability-rules';
import { SECURITY_RULES } from './security-rules';
import type { ValidationProblem } from './validation-problem';

/** Every rule a compose file must pass: what podman-compose 1.0.3 and the VMs get wrong, and the security rules. */
export const COMPOSE_RULES: readonly ComposeRule[] = [...PORTABILITY_RULES, ...SECURITY_RULES];

/** The one rule engine for compose documents: each violation as a problem carrying its rule's id. */
export function validateComposeRules(file: string, doc: ComposeDocument, context: ComposeRuleContext, rules: readonly ComposeRule[] = COMPOSE_RULES): ValidationProblem[] {
  return rules.flatMap((rule) => rule.check(doc, context).map((message) => ({ rule: rule.id, file, message })));
}
