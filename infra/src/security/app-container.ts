import { randomBytes } from 'node:crypto';
import { APP_IMAGE_TAG, type EngineName } from '../images';
import { pollUntil } from '@qraft/retry';
import { runCommand } from '@qraft/stack';

/** The hardening flags compose gives the app (read_only, cap_drop, no-new-privileges, tmpfs), as `run` options. */
export const HARDENED = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true', '--tmpfs', '/tmp', '--tmpfs', '/var/log/qraft:uid=1000,gid=1000', '--pids-limit', '256', '--memory', '512m', '--cpus', '1'];

export interface AppContainer extends AsyncDisposable {
  readonly name: string;
  readonly url: string;
  exec(script: string): Promise<string>;
}

/** Our own throwaway app container: unique name, engine-chosen loopback port, NATS and ClickHouse pointed nowhere. */
export async function runAppContainer(engine: EngineName, flags: readonly string[]): Promise<AppContainer> {
  const name = `qraft-sectest-${randomBytes(4).toString('hex')}`;
  const remove = async () => void (await runCommand(engine, ['rm', '-f', name], 60_000));
  const env = ['-e', 'QRAFT_NATS_URL=nats://127.0.0.1:1', '-e', 'QRAFT_CLICKHOUSE_URL=http://127.0.0.1:1'];
  const started = await runCommand(engine, ['run', '-d', '--name', name, '-p', '127.0.0.1::8080', ...flags, ...env, APP_IMAGE_TAG], 60_000);
  if (!started.ok) {
    await remove();
    throw new Error(`${engine} run ${APP_IMAGE_TAG} failed: ${started.stderr.trim()}`);
  }
  const port = await runCommand(engine, ['port', name, '8080/tcp']);
  return {
    name,
    url: `http://127.0.0.1:${/:(\d+)\s*$/m.exec(port.stdout)?.[1]}`,
    exec: async (script) => (await runCommand(engine, ['exec', name, 'sh', '-c', script], 30_000)).stdout.trim(),
    [Symbol.asyncDispose]: remove,
  };
}

/** Polls until the URL answers 200; only the timeout throws. */
export async function httpOk(url: string, timeoutMs: number): Promise<string> {
  return pollUntil(
    `${url} to answer 200`,
    async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.text();
    },
    timeoutMs,
  );
}

/** What a running container shows of its hardening, read from /proc inside it; one message per gap. */
export async function hardeningProblems(container: AppContainer): Promise<string[]> {
  const problems: string[] = [];
  if ((await container.exec('id -u')) === '0') problems.push('CIS 4.1: the process runs as root');
  const rootMount = await container.exec("awk '$5 == \"/\" { print $6 }' /proc/1/mountinfo");
  if (!rootMount.split(',').includes('ro')) problems.push(`CIS 5.12: the root file system is mounted ${rootMount || '(unknown)'}, not read-only`);
  const status = await container.exec('cat /proc/1/status');
  if (!/^NoNewPrivs:\s+1$/m.test(status)) problems.push('CIS 5.25: no-new-privileges is off');
  if (!/^CapBnd:\s+0+$/m.test(status)) problems.push(`CIS 5.3: capabilities are not dropped (${/^CapBnd:.*$/m.exec(status)?.[0] ?? 'CapBnd unknown'})`);
  return problems;
}
