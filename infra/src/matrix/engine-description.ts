import type { EngineName } from '@qraft/stack';

export interface CommandRunner {
  (file: string, args: readonly string[]): Promise<{ readonly ok: boolean; readonly stdout: string }>;
}

/** podman-compose 1.0.3 says `podman-composer version  1.0.3`, 1.3.0 `podman-compose version 1.3.0`, each beside podman's own line. */
export function podmanComposeVersion(output: string): string | undefined {
  return /podman-compos\w*\s+version\s+v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/**
 * `docker 26.1.5 (docker compose 2.26.1)` or `podman 5.4.2 (podman-compose 1.3.0)`, asked of the engine the
 * runner reaches (the host's, or a nested one through `docker exec`). A probe: unknown parts say so.
 */
export async function describeEngine(engine: EngineName, run: CommandRunner): Promise<string> {
  if (engine === 'docker') {
    const server = await run('docker', ['version', '--format', '{{.Server.Version}}']);
    const compose = await run('docker', ['compose', 'version', '--short']);
    return `docker ${server.ok ? server.stdout.trim() : '(version unknown)'} (docker compose ${compose.ok ? compose.stdout.trim().replace(/^v/, '') : '(version unknown)'})`;
  }
  const podman = await run('podman', ['version', '--format', '{{.Client.Version}}']);
  const compose = await run('podman-compose', ['version']);
  return `podman ${podman.ok ? podman.stdout.trim() : '(version unknown)'} (podman-compose ${podmanComposeVersion(compose.stdout) ?? '(version unknown)'})`;
}
