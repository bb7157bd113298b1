/** One broken rule in one generated file. */
export interface ValidationProblem {
  /** Rule id, e.g. `schema`, `scrape-target`, `podman/healthcheck-cmd-shell`. */
  readonly rule: string;
  /** Generated file (repo-relative) the problem is in. */
  readonly file: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}
