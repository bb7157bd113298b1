import { parseDuration, UsageError } from '@qraft/cli';
import { IMAGE_SETS, VARIANTS } from '@qraft/config';
import { parseEngineChoice } from '@qraft/stack';
import { resolve } from 'node:path';

export interface StackOptionsInput {
  readonly engine?: string;
  readonly images?: string;
  readonly variant?: string;
  readonly timeout?: string;
  readonly json?: boolean;
}

/** Options after defaults: every field set, read once from flags and then the environment. */
export interface StackOptions {
  /** Compose tool choice (docker, podman, …); undefined means detect. */
  readonly engine: string | undefined;
  readonly imageSet: string;
  readonly variant: string;
  readonly timeoutMs: number;
  readonly json: boolean;
  readonly workspaceRoot: string;
}

/** A flag's value, else the variable's, else the default — checked against the known values, naming where it came from. */
function pickKnown(flag: string, flagValue: string | undefined, variable: string, env: Readonly<Record<string, string | undefined>>, known: readonly string[], fallback: string): string {
  const value = flagValue ?? env[variable] ?? fallback;
  if (!known.includes(value)) throw new UsageError(`${flagValue !== undefined ? flag : variable}: "${value}" is not known — use one of ${known.join(', ')}`);
  return value;
}

/** --engine, else QRAFT_ENGINE: a name no compose tool answers to is bad input, found before any engine is asked. */
function checkEngine(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    parseEngineChoice(value);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  return value;
}

/** Every field defaulted; bad input throws a UsageError (exit 2) naming the flag or variable it came from. */
export function normalizeOptions(input: StackOptionsInput, env: Readonly<Record<string, string | undefined>>): StackOptions {
  const timeout = input.timeout ?? env['QRAFT_UP_TIMEOUT'] ?? '180s';
  return {
    engine: checkEngine(input.engine ?? env['QRAFT_ENGINE'] ?? undefined),
    // offline by default: it builds here with no registry (dev VMs, CI); registry needs docker.io or a mirror.
    imageSet: pickKnown('--images', input.images, 'QRAFT_IMAGE_SET', env, IMAGE_SETS, 'offline'),
    variant: pickKnown('--variant', input.variant, 'QRAFT_VARIANT', env, VARIANTS, 'dev'),
    timeoutMs: parseDuration(timeout, input.timeout ? '--timeout' : 'QRAFT_UP_TIMEOUT'),
    json: input.json ?? false,
    workspaceRoot: resolve(__dirname, '..', '..', '..'),
  };
}

/** The flags every stack command accepts beyond --help and --json (which @qraft/cli's runCli adds). */
export const STACK_FLAGS = {
  engine: { type: 'string' },
  images: { type: 'string' },
  variant: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const STACK_FLAGS_HELP = `  --engine docker|podman|docker-compose-v1   compose tool (default: detect; env QRAFT_ENGINE)
  --images offline|registry                  image set (default offline: built here from Debian packages; env QRAFT_IMAGE_SET)
  --variant dev|prod                         dev publishes every port on 127.0.0.1, prod only app and grafana (env QRAFT_VARIANT)
  --timeout 180s                             how long to wait for all-healthy (env QRAFT_UP_TIMEOUT)
  --json                                     machine-readable result on stdout`;
