#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { runMain, type CliSpec } from '@qraft/cli';
import type { Check, HealthReport } from './check';
import { commandFrom, HEALTH_OPTIONS, parseHostPort, UsageError, USAGE, type CheckCommand } from './cli-args';
import { exitCode, formatReport, reportToJson } from './format-report';
import type { ProbeResult } from './probe-result';
import { runChecks } from './run-checks';
import { HealthTimeoutError, waitUntilHealthy } from './wait-until-healthy';

/** What the CLI reads besides argv; the process's own by default, injected by tests. */
export interface HealthCliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Colour the table only on a terminal. */
  readonly isTTY: boolean;
  readonly readFile?: (path: string) => string;
}

/**
 * The commands that need the stack's model or a container engine. This package has protocol probes only
 * (it ships in the app image); @qraft/stack's qraft-health passes these in. Throw UsageError for bad input.
 */
export interface StackCommands {
  readonly container: (command: CheckCommand, env: Readonly<Record<string, string | undefined>>) => Promise<Check[]>;
  readonly stack: (command: CheckCommand, env: Readonly<Record<string, string | undefined>>) => Promise<Check[]>;
}

export const processContext: HealthCliContext = { env: process.env, isTTY: process.stdout.isTTY === true };

/**
 * qraft-health as an @qraft/cli command: runCli parses argv, answers --help and turns a UsageError into exit 2;
 * the command exits 0 when every required check is up, 1 when one is not.
 */
export function healthCli(ctx: HealthCliContext = processContext, stackCommands?: StackCommands): CliSpec<typeof HEALTH_OPTIONS> {
  return {
    name: 'qraft-health',
    help: USAGE,
    options: HEALTH_OPTIONS,
    positionals: true,
    run: async ({ values, positionals, io }) => {
      const command = commandFrom(values, positionals, { env: ctx.env, readFile: ctx.readFile ?? ((p) => readFileSync(p, 'utf8')) });
      const checks = await buildChecks(command, ctx.env, stackCommands);
      return check(command, checks, { color: ctx.isTTY && ctx.env['NO_COLOR'] === undefined, out: io.out, err: io.err });
    },
  };
}

/** Runs the checks once, or until healthy with --wait; prints the report; 0 when every required check is up. */
async function check(
  command: CheckCommand,
  checks: Check[],
  io: { readonly color: boolean; readonly out: (text: string) => void; readonly err: (text: string) => void },
): Promise<0 | 1> {
  const { color } = io;
  const print = (report: HealthReport) => io.out(command.json ? reportToJson(report) : formatReport(report, { color }));
  // The library's timers are unref'ed; this one keeps the process alive for the wait and ends a hung run.
  const limitMs = (command.waitMs ?? command.timeoutMs) + 5_000;
  const watchdog = setTimeout(() => {
    io.err(`qraft-health: gave up after ${limitMs} ms without a result`);
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
      if (!command.json && seen.get(name) !== line) io.err(`  ${line}`);
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
      if (!command.json) io.err(`qraft-health: ${error.message}`);
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

// The script body runs only when this file is the entry point; tests run healthCli() through runCli.
if (require.main === module) runMain(healthCli());
