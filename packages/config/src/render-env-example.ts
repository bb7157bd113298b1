import { ENV } from './env-names';
import { hashComment, headerLines } from './generated-header';
import { loadStack } from './load-stack';
import { DEFAULT_REGISTRY } from './service-catalog';

/**
 * .env.example: every variable loadStack reads, with its default. The ports and limits are also
 * `${VAR:-default}` in the compose files, so compose applies what loadStack validated.
 */
export function renderEnvExample(): string {
  const dev = loadStack({ variant: 'dev', imageSet: 'registry' });
  const lines: string[] = [
    '',
    '# Which stack `pnpm nx run infra:up` starts: dev | prod, and offline (built here from Debian packages) | registry images.',
    `# ${ENV.variant}=dev`,
    `# ${ENV.imageSet}=offline`,
    '',
    `# Registry host (and path) that replaces ${DEFAULT_REGISTRY} for every pulled image, e.g. registry.example.com:5000/dockerhub.`,
    `# ${ENV.registryMirror}=`,
    '',
    '# Host ports, all bound to 127.0.0.1. dev publishes every one; prod only the app and Grafana.',
    '# A clash between two of them is refused before anything starts.',
  ];
  for (const service of Object.values(dev.services)) {
    for (const port of service.ports) {
      if (port.host !== undefined) lines.push(`# ${port.env}=${port.host}    # ${port.id}`);
    }
  }
  lines.push('', '# Limits per service: memory with a unit (512m, 2g) and CPUs (0.5, 2).');
  for (const service of Object.values(dev.services)) {
    lines.push(`# ${service.resources.memoryEnv}=${service.resources.memory}`);
    lines.push(`# QRAFT_${service.name.toUpperCase().replace(/-/g, '_')}_CPUS=${service.resources.cpus}`);
  }
  lines.push(
    '',
    '# Passwords are never set here: `pnpm nx run config:secrets` (or infra:up) generates them into secrets/.',
    '# Leave a variable unset rather than empty: podman-compose 1.0.3 uses an empty value instead of the default.',
  );
  return hashComment(headerLines(undefined, 'Copy to .env and uncomment what you change.')) + lines.join('\n') + '\n';
}
