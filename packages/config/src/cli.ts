#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runCli, runMain, UsageError, type CliIo, type CliSpec } from '@qraft/cli';
import { ConfigError } from './config-error';
import { driftReport } from './drift-report';
import { ensureSecrets, readSecretValues } from './ensure-secrets';
import { generatedFiles, type GenerateSelection } from './generated-files';
import { loadStack } from './load-stack';
import { omittedServices } from './omitted-services';
import { IMAGE_SETS, VARIANTS, type ImageSet, type Variant } from './stack-model';
import { validateGeneratedFiles } from './validate-generated-files';
import { writeFilesAtomically } from './write-files-atomically';

export const HELP = `Usage: qraft-config <command> [options]

Renders, validates and drift-checks every configuration file of the Qraft stack from one typed model.

Commands:
  generate   render and validate everything, then write it atomically (all files or none)
  check      exit 1 with a diff when a committed generated file differs from a fresh render
  secrets    generate missing credentials into secrets/ (0600, owned by the reading service)

Options:
  --variant dev|prod            only this variant's compose files (generate) / the stack to use (secrets)
  --images registry|offline     only this image set
  --out DIR                     root to write to or compare with (default: the workspace root)
  --json                        print a machine-readable summary (a failure too: {"ok":false,…})
  -h, --help                    this text

Environment (read here only, validated before anything is written): QRAFT_VARIANT, QRAFT_IMAGE_SET,
QRAFT_REGISTRY_MIRROR, QRAFT_<SERVICE>_<PORT>_PORT, QRAFT_<SERVICE>_MEMORY, QRAFT_<SERVICE>_CPUS
(see .env.example). The committed files stay the same on every machine: these apply at compose time.
`;

type Env = Readonly<Record<string, string | undefined>>;

/** The directory holding nx.json above `from` (the CLI runs from the workspace or a project in it). */
export function findWorkspaceRoot(from: string): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
  return dir;
}

function choice<T extends string>(value: string | undefined, option: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(option, `"${value}" is not known`, `use one of ${allowed.join(', ')}`);
  return value as T;
}

/** Loads every selected stack with the environment, so a bad QRAFT_* value stops the run before any write. */
function validateEnvironment(env: Env, variants: readonly Variant[], imageSets: readonly ImageSet[]): void {
  loadStack({ env });
  for (const variant of variants) for (const imageSet of imageSets) loadStack({ variant, imageSet, env });
}

const OPTIONS = {
  variant: { type: 'string' },
  images: { type: 'string' },
  out: { type: 'string' },
} as const;

/** The qraft-config command line as data for @qraft/cli: bad input (ConfigError included) exits 2, drift 1. */
export function configCli(env: Env, cwd = process.cwd()): CliSpec<typeof OPTIONS> {
  return {
    name: 'qraft-config',
    help: HELP,
    options: OPTIONS,
    positionals: true,
    run({ values, positionals, json, io }) {
      const command = positionals[0];
      if (command === 'help') {
        io.out(HELP);
        return 0;
      }
      if (command === undefined) throw new UsageError('no command given — use generate, check or secrets (see qraft-config --help)');
      if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}" — see qraft-config --help`);
      const root = values.out ? resolve(cwd, values.out) : findWorkspaceRoot(cwd);
      const variant = choice(values.variant, '--variant', VARIANTS);
      const imageSet = choice(values.images, '--images', IMAGE_SETS);
      const selection: GenerateSelection = { ...(variant ? { variants: [variant] } : {}), ...(imageSet ? { imageSets: [imageSet] } : {}) };
      switch (command) {
        case 'generate':
          return generate(root, env, selection, json, io);
        case 'check':
          return check(root, selection, json, io);
        case 'secrets': {
          const model = loadStack({ env, ...(variant ? { variant } : {}), ...(imageSet ? { imageSet } : {}) });
          const result = ensureSecrets(root, model);
          if (json) io.out(JSON.stringify(result));
          else {
            for (const f of result.created) io.out(`created ${f}`);
            for (const f of result.updated) io.out(`updated ${f}`);
            for (const f of result.kept) io.out(`kept    ${f}`);
            for (const w of result.warnings) io.err(`warning: ${w}`);
          }
          return 0;
        }
        default:
          throw new UsageError(`unknown command "${command}" — use generate, check or secrets (see --help)`);
      }
    },
  };
}

/** The CLI as a function: argv in, exit code out (0 done, 1 problems or drift, 2 bad input — nothing written). */
export async function runConfigCli(argv: readonly string[], env: Env, io: CliIo, cwd = process.cwd()): Promise<number> {
  return (await runCli(configCli(env, cwd), argv, io)) ?? 0;
}

function generate(root: string, env: Env, selection: GenerateSelection, json: boolean, io: CliIo): number {
  validateEnvironment(env, selection.variants ?? VARIANTS, selection.imageSets ?? IMAGE_SETS);
  const files = generatedFiles(selection);
  const problems = validateGeneratedFiles(files, readSecretValues(root, loadStack()));
  if (problems.length > 0) {
    for (const p of problems) io.err(`${p.file}: [${p.rule}] ${p.message}`);
    io.err(`qraft-config: ${problems.length} problem(s) in the rendered files — nothing was written`);
    return 1;
  }
  writeFilesAtomically(root, files);
  const omitted = [...new Map(files.flatMap((f) => (f.model ? omittedServices(f.model) : [])).map((o) => [o.service, o])).values()];
  if (json) {
    io.out(JSON.stringify({ root, files: files.map((f) => f.path), omitted }));
  } else {
    io.out(`wrote ${files.length} files under ${root}`);
    for (const o of omitted) io.out(`note: ${o.note}`);
  }
  return 0;
}

function check(root: string, selection: GenerateSelection, json: boolean, io: CliIo): number {
  const files = generatedFiles(selection);
  const problems = validateGeneratedFiles(files, readSecretValues(root, loadStack()));
  const drifts = driftReport(root, files);
  if (json) io.out(JSON.stringify({ ok: problems.length === 0 && drifts.length === 0, problems, drifts }));
  for (const p of problems) io.err(`${p.file}: [${p.rule}] ${p.message}`);
  for (const d of drifts) {
    if (d.state === 'missing') io.err(`${d.path}: missing`);
    else if (!json) io.err(`--- ${d.path} (committed)\n+++ ${d.path} (fresh render)\n${d.diff}`);
  }
  if (problems.length > 0 || drifts.length > 0) {
    io.err(`qraft-config: ${drifts.length} generated file(s) out of date — run \`pnpm nx run config:generate\` and commit the result`);
    return 1;
  }
  if (!json) io.out(`${files.length} generated files match a fresh render`);
  return 0;
}

if (require.main === module) runMain(configCli(process.env));
