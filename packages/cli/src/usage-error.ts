import { ExitCode } from './exit-code';

/**
 * Bad input — an option, argument or QRAFT_* value — found before anything was done. Its message names the
 * thing and the fix; runCli prints it as one line and exits with ExitCode.usage (2).
 */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** A UsageError, or a subclass loaded from another copy of this module (an error's class is the contract). */
export function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || (error instanceof Error && (error as { exitCode?: unknown }).exitCode === ExitCode.usage);
}
