import { formatTable } from '@qraft/cli';
import { existsSync, statfsSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { isPortFree, probeComposeTool, runCommand, SOCKETS, type ComposeToolName, type EngineName } from '@qraft/stack';
import { pingEngineSocket } from './ping-engine-socket';

export interface DoctorCheck {
  readonly item: string;
  readonly ok: boolean;
  readonly required: boolean;
  readonly detail: string;
  /** What to do when the check fails; empty when it passes. */
  readonly fix: string;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
}

export interface DoctorOptions {
  readonly ports: ReadonlyArray<{ readonly port: number; readonly name: string; readonly env: string }>;
  readonly workspaceDir: string;
  readonly minDiskBytes?: number;
  readonly minMemoryBytes?: number;
  /** The engines' API sockets to ping (default: `SOCKETS` of @qraft/stack). */
  readonly sockets?: Readonly<Record<EngineName, string>>;
  /** How long each socket may take to answer (default 2 s). */
  readonly socketTimeoutMs?: number;
}

const ENGINE_FIX = 'run `nx run infra:engine` as root (Debian/Ubuntu), or install the engine by hand';
const GiB = 1024 ** 3;
/** How to get an API server onto each socket. */
const SOCKET_FIX: Readonly<Record<EngineName, string>> = {
  docker: 'start the Docker daemon (`nx run infra:engine -- --docker` as root starts dockerd; remove a stale /var/run/docker.pid after a crash)',
  podman: "start Podman's API service: `podman system service --time=0 unix:///run/podman/podman.sock &` (`nx run infra:engine -- --podman` does it)",
};

function check(item: string, ok: boolean, detail: string, fix: string, required = true): DoctorCheck {
  return { item, ok, required, detail, fix: ok ? '' : fix };
}

async function engineChecks(sockets: Readonly<Record<EngineName, string>>, socketTimeoutMs: number): Promise<DoctorCheck[]> {
  const docker = await runCommand('docker', ['version', '--format', '{{.Server.Version}}']);
  const podman = await runCommand('podman', ['version', '--format', '{{.Client.Version}}']);
  const tools = await Promise.all(
    (['docker-compose-v2', 'docker-compose-v1', 'podman-compose'] as ComposeToolName[]).map(async (n) => [n, await probeComposeTool(n)] as const),
  );
  const dockerUp = docker.ok && docker.stdout.trim() !== '';
  const podmanUp = podman.ok;
  const anyEngine = dockerUp || podmanUp;
  const anyCompose = tools.some(([, t]) => t);
  const out: DoctorCheck[] = [
    check('engine: docker', dockerUp, dockerUp ? `server ${docker.stdout.trim()}` : 'no Docker daemon answers', `${ENGINE_FIX} (--docker)`, false),
    check('engine: podman', podmanUp, podmanUp ? `podman ${podman.stdout.trim()}` : 'podman not installed', `${ENGINE_FIX} (--podman)`, false),
    check('engine: any', anyEngine, anyEngine ? 'at least one engine is usable' : 'neither Docker nor Podman is usable', ENGINE_FIX),
  ];
  for (const [name, tool] of tools) {
    const fix = name === 'docker-compose-v1' ? 'optional: apt-get install docker-compose' : ENGINE_FIX;
    out.push(check(`compose: ${name}`, tool !== undefined, tool ? `version ${tool.version}` : 'not installed', fix, false));
  }
  out.push(check('compose: any', anyCompose, anyCompose ? 'a compose tool is present' : 'no compose tool found', ENGINE_FIX));
  // A socket file proves nothing (a daemon that died leaves it behind): only an answer to dockerode's ping counts.
  const reached: string[] = [];
  for (const [engine, path] of Object.entries(sockets) as Array<[EngineName, string]>) {
    if (!existsSync(path)) {
      out.push(check(`API socket: ${engine}`, false, `${path} absent`, SOCKET_FIX[engine], false));
      continue;
    }
    const ping = await pingEngineSocket(path, socketTimeoutMs);
    if (ping.ok) reached.push(`${ping.engine} ${ping.version} at ${path}`);
    out.push(
      check(`API socket: ${engine}`, ping.ok, ping.ok ? `${path}: ${ping.engine} ${ping.version} (API ${ping.apiVersion})` : `cannot reach the engine: ${ping.error}`, SOCKET_FIX[engine], false),
    );
  }
  const anySocket = reached.length > 0;
  out.push(check('API socket: any', anySocket, anySocket ? `dockerode reached ${reached.join(', ')}` : 'dockerode reached no engine API socket', ENGINE_FIX));
  return out;
}

/** Everything the stack needs from this host, each with a fix when it is missing. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks = await engineChecks(options.sockets ?? SOCKETS, options.socketTimeoutMs ?? 2_000);
  for (const { port, name, env } of options.ports) {
    const free = await isPortFree(port);
    checks.push(
      check(`port ${port} (${name})`, free, free ? 'free on 127.0.0.1' : 'already in use on 127.0.0.1', `stop the other process or set ${env}`),
    );
  }
  const fs = statfsSync(options.workspaceDir);
  const freeDisk = fs.bavail * fs.bsize;
  const minDisk = options.minDiskBytes ?? 5 * GiB;
  checks.push(
    check('disk', freeDisk >= minDisk, `${(freeDisk / GiB).toFixed(1)} GiB free in ${options.workspaceDir}`, `free at least ${minDisk / GiB} GiB`),
  );
  const minMem = options.minMemoryBytes ?? 4 * GiB;
  checks.push(
    check('memory', totalmem() >= minMem, `${(totalmem() / GiB).toFixed(1)} GiB total, ${(freemem() / GiB).toFixed(1)} GiB free`, `the stack needs ${minMem / GiB} GiB`),
  );
  return { ok: checks.every((c) => c.ok || !c.required), checks };
}

/** A plain table for people: one line per check, fixes for what fails. */
export function formatDoctorTable(report: DoctorReport): string {
  const rows = report.checks.map((c) => [c.ok ? 'ok' : c.required ? 'FAIL' : 'no', c.item, c.ok ? c.detail : `${c.detail}  → ${c.fix}`]);
  const lines = [formatTable(rows)];
  lines.push('', report.ok ? 'doctor: this host can run the Qraft stack' : 'doctor: something the stack needs is missing (FAIL rows above)');
  return lines.join('\n');
}
