import { UsageError } from '@qraft/cli';

/**
 * An invalid stack configuration. The message always names the field (an environment variable, a CLI
 * option or a model path) and the fix, so a person can act on it without reading code. A usage error: CLIs
 * exit 2 on it, before anything is written.
 */
export class ConfigError extends UsageError {
  override readonly name = 'ConfigError';

  constructor(
    readonly field: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${field}: ${problem} — ${fix}`);
  }
}
