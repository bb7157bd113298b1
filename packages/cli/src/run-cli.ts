import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ExitCode } from './exit-code';
import { isUsageError, UsageError } from './usage-error';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

type Value<T> = T extends { type: 'boolean' } ? boolean : string;
/** What parseArgs returns for options `O`: each one optional, arrays where `multiple: true`. */
export type ParsedValues<O extends Options> = {
  readonly [K in keyof O]?: O[K] extends { multiple: true } ? Array<Value<O[K]>> : Value<O[K]>;
} & { readonly help?: boolean; readonly json?: boolean };

export interface CliInvocation<O extends Options> {
  readonly values: ParsedValues<O>;
  readonly positionals: readonly string[];
  readonly json: boolean;
  readonly io: CliIo;
}

export interface CliSpec<O extends Options> {
  /** Prefix of every error line: `name: message`. */
  readonly name: string;
  /** Printed for --help / -h (on stdout, exit 0); the exit codes are appended. */
  readonly help: string;
  /** Options beyond --help and --json, which every CLI has. */
  readonly options: O;
  /** Positionals allowed (commands, targets); otherwise one is a usage error. */
  readonly positionals?: boolean;
  /**
   * The command. Returns the exit code, or undefined for a process that keeps running (a server).
   * Throw UsageError (or a subclass) for bad input → 2; any other error → 1.
   */
  run(invocation: CliInvocation<O>): Promise<number | undefined> | number | undefined;
}

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const;

export const EXIT_CODES_HELP = `Exit codes: 0 done (or: everything checked is fine) · 1 it ran and failed · 2 bad input (option, argument or QRAFT_* value; nothing was done)`;

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/**
 * Parses argv with node:util parseArgs (strict), answers --help, runs the command and turns what it throws
 * into one `name: message` line on stderr (no stack trace) and the documented exit code. With --json, a
 * failure is also reported on stdout as {"ok":false,"exitCode":N,"error":"…"} so a script reading stdout sees it.
 */
export async function runCli<O extends Options>(spec: CliSpec<O>, argv: readonly string[], io: CliIo = processIo): Promise<number | undefined> {
  const json = argv.includes('--json');
  const fail = (code: number, message: string): number => {
    io.err(`${spec.name}: ${message}`);
    if (json) io.out(JSON.stringify({ ok: false, exitCode: code, error: message }));
    return code;
  };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...spec.options, ...COMMON }, allowPositionals: true, strict: true });
    if (!spec.positionals && parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  } catch (error) {
    return fail(ExitCode.usage, `${(error as Error).message} — see ${spec.name} --help`);
  }
  const values = parsed.values as ParsedValues<O>;
  if (values.help) {
    io.out(`${spec.help.trimEnd()}\n\n${EXIT_CODES_HELP}`);
    return ExitCode.ok;
  }
  try {
    return await spec.run({ values, positionals: parsed.positionals, json: values.json === true, io });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(isUsageError(error) ? ExitCode.usage : ExitCode.failure, message);
  }
}

/**
 * Runs the CLI when its file is the entry point (`if (require.main === module) runMain(spec)`): sets the exit
 * code and exits once stdout has drained, so a lingering socket (an engine API agent) cannot hold the process.
 */
export function runMain<O extends Options>(spec: CliSpec<O>, argv: readonly string[] = process.argv.slice(2)): void {
  void runCli(spec, argv).then((code) => {
    if (code === undefined) return;
    process.exitCode = code;
    process.stdout.write('', () => process.exit(code));
  });
}
