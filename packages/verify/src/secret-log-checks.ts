import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readContainerLogs } from '@qraft/stack';
import { skip } from './outcome';
import type { StackContext, StackService } from './stack-context';
import type { VerifyCheck } from './verify-check';

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
  } catch {
    return [];
  }
}

/** Where a secret value occurs in a text: `<name> on line N`, never the value. */
function occurrences(text: string, secrets: ReadonlyMap<string, string>): string[] {
  return [...secrets].flatMap(([name, value]) => {
    const lines = text.split('\n').flatMap((line, i) => (line.includes(value) ? [i + 1] : []));
    return lines.length > 0 ? [`${name} on line ${lines.join(', ')}`] : [];
  });
}

/**
 * No generated password appears in any service's container log (the engine's log driver) or in its log files
 * under logs/. The findings name the container or file, the secret and the line, never the value.
 */
export function noSecretsInLogsCheck(services: readonly StackService[]): VerifyCheck<StackContext> {
  return {
    group: 'logs',
    name: 'no generated secret appears in a container log or under logs/',
    run: async ({ docker, secretValues }) => {
      if (!secretValues || secretValues.size === 0) skip('the stack context carries no secret values (secrets/ has none)');
      const running = services.filter((s) => s.available);
      const findings: string[] = [];
      let lines = 0;
      for (const service of running) {
        const text = await readContainerLogs(docker, service.containerName);
        lines += text.split('\n').length;
        findings.push(...occurrences(text, secretValues).map((f) => `container ${service.containerName}: ${f}`));
        for (const file of service.logDir ? filesUnder(service.logDir) : []) {
          const content = readFileSync(file, 'utf8');
          lines += content.split('\n').length;
          findings.push(...occurrences(content, secretValues).map((f) => `${file}: ${f}`));
        }
      }
      if (findings.length > 0) throw new Error(`secret values in logs: ${findings.join('; ')} — find what logs them and redact it`);
      return `${secretValues.size} secrets looked for in ${lines} log lines of ${running.length} services: none found`;
    },
  };
}
