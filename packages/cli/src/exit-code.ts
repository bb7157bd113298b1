/**
 * The exit codes of every Qraft CLI. A script can tell "you asked wrongly" (fix the command line or the
 * QRAFT_* environment; nothing was started or written) from "it ran and the thing is not right".
 */
export const ExitCode = {
  /** Done; for a check: everything required is fine. */
  ok: 0,
  /** It ran, and what it checks or does failed: unhealthy, drift, a build or an engine error. */
  failure: 1,
  /** Bad input: unknown option or command, malformed value, invalid QRAFT_* configuration. Nothing was done. */
  usage: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
