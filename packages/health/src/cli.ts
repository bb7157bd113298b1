#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import type { Check, HealthReport } from './check';
import { parseCliArgs, parseHostPort, UsageError, USAGE, type CliCommand } from './cli-args';
import { exitCode, formatReport, reportToJson } from './format-report';
import type { ProbeResult } from './probe-result';
import { runChecks } from './run-checks';
import { HealthTimeoutError, waitUntilHealthy } from './wait-until-healthy';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colour the table only on a terminal. */
  readonly isTTY: boolean;
  readonly readFile?: (path: string) => string;
}

export type CheckCommand = Extract<CliCommand, { kind: 'check' }>;

/**
 * The commands that need the stack's model or a container engine. This package has protocol probes only
 * (it ships in the app image); @qraft/stack's qraft-health passes these in. Throw UsageError for bad input.
 */
export interface StackCommands {
  readonly container: (command: CheckCommand, env: Readonly<Record<string, string | undefined>>) => Promise<Check[]>;
  readonly stack: (command: CheckCommand, env: Readonly<Record<string, string | undefined>>) => Promise<Check[]>;
}

/** The whole CLI as a function: argv in, exit code out (0 healthy, 1 not, 2 bad input). */
export async function main(argv: readonly string[], io: CliIo, stackCommands?: StackCommands): Promise<0 | 1 | 2> {
  let command: CliCommand;
  let checks: Check[];
  try {
    command = parseCliArgs(argv, { env: io.env, readFile: io.readFile ?? ((p) => readFileSync(p, 'utf8')) });
    if (command.kind === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    checks = await buildChecks(command, io.env, stackCommands);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`qraft-health: ${(error as Error).message}\nRun \`qraft-health --help\` for usage.\n`);
      return 2;
    }
    throw error;
  }
  const color = io.isTTY && io.env['NO_COLOR'] === undefined;
  const print = (report: HealthReport) =>
    io.stdout(`${command.json ? reportToJson(report) : formatReport(report, { color })}\n`);
  // The library's timers are unref'ed; this one keeps the process alive for the wait and ends a hung run.
  const limitMs = (command.waitMs ?? command.timeoutMs) + 5_000;
  const watchdog = setTimeout(() => {
    io.stderr(`qraft-health: gave up after ${limitMs} ms without a result\n`);
    process.exit(1);
  }, limitMs);
  try {
    if (command.waitMs === undefined) {
      const report = await runChecks(checks, { timeoutMs: command.timeoutMs });
      print(report);
      return exitCode(report);
    }
    const seen = new Map<string, string>();
    const onProgress = (name: string, result: ProbeResult) => {
      // One line per change of state, not per poll.
      const line = result.state === 'up' ? `${name}: up (${result.detail})` : `${name}: ${result.state} — ${result.error}`;
      if (!command.json && seen.get(name) !== line) io.stderr(`  ${line}\n`);
      seen.set(name, line);
    };
    try {
      const report = await waitUntilHealthy(checks, {
        timeoutMs: command.waitMs,
        attemptTimeoutMs: command.timeoutMs,
        onProgress,
      });
      print(report);
      return exitCode(report);
    } catch (error) {
      if (!(error instanceof HealthTimeoutError)) throw error;
      print(error.report);
      if (!command.json) io.stderr(`qraft-health: ${error.message}\n`);
      return 1;
    }
  } finally {
    clearTimeout(watchdog);
  }
}

/** Turns the command into checks; the probe modules (and the NATS client) load only when named. */
async function buildChecks(c: CheckCommand, env: Readonly<Record<string, string | undefined>>, stackCommands: StackCommands | undefined): Promise<Check[]> {
  const t = c.timeoutMs;
  switch (c.check) {
    case 'http': {
      const { probeHttp } = await import('./http-probe.js');
      const contains = c.contains;
      return [
        {
          name: 'http',
          probe: (signal) =>
            probeHttp({
              url: c.target,
              expectStatus: c.status,
              bodyPredicate: contains === undefined ? undefined : (body: string) => body.includes(contains) || `the body does not contain "${contains}"`,
              signal,
              timeoutMs: t,
            }),
        },
      ];
    }
    case 'tcp': {
      const { probeTcp } = await import('./tcp-probe.js');
      const { host, port } = parseHostPort(c.target);
      return [{ name: 'tcp', probe: (signal) => probeTcp({ host, port, signal, timeoutMs: t }) }];
    }
    case 'nats': {
      const { probeNats } = await import('./nats-probe.js');
      const cred = c.credentials.nats;
      return [{ name: 'nats', probe: (signal) => probeNats({ url: c.target, ...cred, inboxPrefix: c.inboxPrefix, stream: c.stream, signal, timeoutMs: t }) }];
    }
    case 'clickhouse': {
      const { probeClickHouse } = await import('./clickhouse-probe.js');
      const cred = c.credentials.clickhouse;
      return [
        {
          name: 'clickhouse',
          probe: (signal) =>
            probeClickHouse({ url: c.target, ...cred, database: c.database, table: c.table, signal, timeoutMs: t }),
        },
      ];
    }
    case 'prometheus': {
      const { probePrometheus } = await import('./prometheus-probe.js');
      const cred = c.credentials.prometheus;
      return [{ name: 'prometheus', probe: (signal) => probePrometheus({ url: c.target, ...cred, signal, timeoutMs: t }) }];
    }
    case 'grafana': {
      const { probeGrafana } = await import('./grafana-probe.js');
      const cred = c.credentials.grafana;
      return [{ name: 'grafana', probe: (signal) => probeGrafana({ url: c.target, ...cred, signal, timeoutMs: t }) }];
    }
    case 'app': {
      const { probeApp } = await import('./app-probe.js');
      return [{ name: 'app', probe: (signal) => probeApp({ url: c.target, signal, timeoutMs: t }) }];
    }
    case 'container':
    case 'stack':
      if (!stackCommands) {
        throw new UsageError(
          `\`${c.check}\` needs the stack's qraft-health (package @qraft/stack): from the repository run \`pnpm exec tsx packages/stack/src/qraft-health.ts ${c.check} …\` — this one has the protocol probes only`,
        );
      }
      return stackCommands[c.check](c, env);
  }
}

/** Runs a qraft-health `main` on this process (argv, env, stdio) and sets its exit code. */
export function runAsProcess(run: (argv: readonly string[], io: CliIo) => Promise<0 | 1 | 2>): void {
  run(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`qraft-health: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

// The script body runs only when this file is the entry point; tests import main().
if (require.main === module) runAsProcess(main);
