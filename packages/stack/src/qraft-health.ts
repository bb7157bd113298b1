#!/usr/bin/env node
// qraft-health for people and scripts in the repository: @qraft/health's CLI (protocol probes) plus the two
// commands that need the stack — `stack` (the readiness gate of `up`, from the model) and `container`.
import { resolve } from 'node:path';
import Dockerode from 'dockerode';
import { runMain } from '@qraft/cli';
import { healthCli, processContext, UsageError, type CheckCommand, type HealthCliContext, type StackCommands } from '@qraft/health';
import { probeContainer } from './container-probe';
import { readinessChecks } from './readiness-checks';
import { detectRuntime } from './runtime';
import { loadStack, readStackCredentials } from '@qraft/config';

/** The engine socket: --socket, else DOCKER_HOST (unix:// only), else the detected engine's. */
async function socketOf(command: CheckCommand, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  if (command.socket) return command.socket;
  const dockerHost = env['DOCKER_HOST'];
  if (dockerHost?.startsWith('unix://')) return dockerHost.slice('unix://'.length);
  if (dockerHost) throw new UsageError(`DOCKER_HOST "${dockerHost}" is not a unix:// socket — use --socket PATH`);
  try {
    return (await detectRuntime(env['QRAFT_ENGINE'])).socketPath;
  } catch (error) {
    throw new UsageError(`${(error as Error).message} — or name the socket with --socket PATH`);
  }
}

function readOwn(model: Parameters<typeof readStackCredentials>[1], workspaceRoot: string) {
  try {
    return readStackCredentials(workspaceRoot, model);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function stackCommands(workspaceRoot: string): StackCommands {
  return {
    container: async (c, env) => {
      const docker = new Dockerode({ socketPath: await socketOf(c, env) });
      return [{ name: `container ${c.target}`, probe: (signal) => probeContainer({ docker, name: c.target, signal, timeoutMs: c.timeoutMs }) }];
    },
    stack: async (c, env) => {
      let model;
      try {
        model = loadStack({ variant: c.variant, imageSet: c.images, env });
      } catch (error) {
        throw new UsageError(`the stack definition is invalid: ${(error as Error).message}`);
      }
      const docker = new Dockerode({ socketPath: await socketOf(c, env) });
      // Credentials given in the environment win; else the stack's own from secrets/ (@qraft/config's reader).
      const given = (x: { user?: string; password?: string }) => (x.user !== undefined && x.password !== undefined ? { user: x.user, password: x.password } : undefined);
      const givenNats = given(c.credentials.nats);
      // A NATS user from the environment uses QRAFT_NATS_INBOX_PREFIX or the default inbox; the stack's monitor has its own.
      const own = readOwn(model, workspaceRoot);
      const clickhouse = given(c.credentials.clickhouse) ?? own.clickhouse;
      const natsMonitor = givenNats ? { ...givenNats, inboxPrefix: c.inboxPrefix ?? '_INBOX' } : own.natsMonitor;
      const prometheus = given(c.credentials.prometheus) ?? own.prometheus;
      const checks = readinessChecks(model, docker, {
        ...(clickhouse ? { clickhouse } : {}),
        ...(natsMonitor ? { natsMonitor } : {}),
        ...(prometheus ? { prometheus } : {}),
      });
      if (checks.length === 0) throw new UsageError('the stack definition has no services to check');
      return checks;
    },
  };
}

/** The whole CLI as an @qraft/cli command, run from the repository root (where secrets/ is). */
export function stackHealthCli(ctx: HealthCliContext = processContext, workspaceRoot = process.cwd()) {
  return healthCli(ctx, stackCommands(resolve(workspaceRoot)));
}

if (require.main === module) runMain(stackHealthCli());
