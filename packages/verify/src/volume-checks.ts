import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readContainerLogs } from '@qraft/stack';
import { skip } from './outcome';
import { pollUntil } from '@qraft/retry';
import type { StackContext, StackService } from './stack-context';
import type { VerifyCheck } from './verify-check';

/** The service's data directory belongs to its own user and is not world-writable. */
export function dataOwnershipCheck(service: StackService): VerifyCheck<StackContext> {
  return {
    group: 'volumes',
    name: `${service.name} data directory is owned by its user and not world-writable`,
    run: async () => {
      if (!service.available) skip(`${service.name} is not part of this stack: ${service.note ?? ''}`);
      if (!service.dataDir) skip(`${service.name} keeps no data`);
      const { hostPath, uid } = service.dataDir;
      const stat = statSync(hostPath);
      if (stat.uid !== uid) throw new Error(`${hostPath} is owned by uid ${stat.uid}, expected ${uid} — run \`nx run infra:up\` as root to fix ownership`);
      if ((stat.mode & 0o002) !== 0) throw new Error(`${hostPath} is world-writable (mode ${(stat.mode & 0o777).toString(8)})`);
      return `uid ${uid}, mode ${(stat.mode & 0o777).toString(8)}`;
    },
  };
}

function totalLogBytes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name !== '.gitkeep') {
        files += 1;
        bytes += statSync(path).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

/** Log files exist under logs/<service> and grow while the stack runs (we cause traffic to make them grow). */
export function logsGrowCheck(service: StackService, poke: (context: StackContext) => Promise<void>): VerifyCheck<StackContext> {
  return {
    group: 'logs',
    name: `${service.name} writes log files under logs/ that grow`,
    run: async (context) => {
      if (!service.available) skip(`${service.name} is not part of this stack: ${service.note ?? ''}`);
      if (!service.logDir) skip(`${service.name} logs to stdout only (read them with \`nx run infra:logs\`)`);
      const before = totalLogBytes(service.logDir);
      if (before.files === 0) throw new Error(`no log file under ${service.logDir}`);
      const logDir = service.logDir;
      const after = await pollUntil(
        `log files under ${logDir} to grow under traffic`,
        async () => {
          await poke(context);
          const now = totalLogBytes(logDir);
          return now.bytes > before.bytes ? now : undefined;
        },
        10_000,
      );
      return `${after.files} file(s), grew ${after.bytes - before.bytes} bytes`;
    },
  };
}

/** A service that logs to stdout only: its lines reach the engine's log driver (json-file, rotated). */
export function stdoutLogsCheck(service: StackService): VerifyCheck<StackContext> {
  return {
    group: 'logs',
    name: `${service.name} logs reach the engine's log driver`,
    run: async ({ docker }) => {
      const text = await readContainerLogs(docker, service.containerName);
      const lines = text.split('\n').filter((l) => l.trim() !== '').length;
      if (lines === 0) throw new Error(`${service.containerName} has printed nothing since it was created`);
      return `${lines} lines (logs to stdout by design; read them with \`nx run infra:logs\`)`;
    },
  };
}
