import { UsageError } from '@qraft/cli';
import { parseImageEngine, resolveImageEngine, type EngineName } from '../images/container-engine';

/**
 * The image CLIs' --engine (else QRAFT_ENGINE, else whichever engine answers). A value that names no engine is
 * bad input (exit 2), found before any engine is asked; an engine that does not answer is a failure (exit 1).
 */
export async function engineOption(value: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<EngineName> {
  checkEngineOption(value, env);
  return resolveImageEngine(value, env);
}

/** Throws a UsageError when --engine (else QRAFT_ENGINE) names no engine; asks no engine. */
export function checkEngineOption(value: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  const explicit = value ?? env['QRAFT_ENGINE'];
  if (explicit !== undefined) {
    try {
      parseImageEngine(explicit);
    } catch (error) {
      throw new UsageError((error as Error).message, { cause: error });
    }
  }
}
