import Docker from 'dockerode';

/** What an engine's API socket answered: the engine's version, or why it could not be reached. */
export type SocketPing =
  | { readonly ok: true; readonly version: string; readonly apiVersion: string; readonly engine: 'Docker' | 'Podman' }
  | { readonly ok: false; readonly error: string };

/**
 * Asks the Docker-API server behind `socketPath` for `/_ping` and `/version` with dockerode, each within
 * `timeoutMs`. Never throws: a file that exists is not an engine, so only an answer counts.
 */
export async function pingEngineSocket(socketPath: string, timeoutMs = 2_000): Promise<SocketPing> {
  const docker = new Docker({ socketPath, timeout: timeoutMs });
  try {
    await docker.ping();
    const v = await docker.version();
    // Podman's API service names itself among the components ("Podman Engine"); Docker's says "Engine".
    const engine = v.Components?.some((c) => /podman/i.test(c.Name)) ? 'Podman' : 'Docker';
    return { ok: true, version: v.Version, apiVersion: v.ApiVersion, engine };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { statusCode?: number };
    const why =
      e.code === 'ECONNREFUSED' ? 'nothing listens on it (ECONNREFUSED)' : e.code === 'ENOENT' ? 'it does not exist' : e.message === 'socket hang up' ? 'the connection ended without an answer' : e.message;
    return { ok: false, error: `no engine answered on ${socketPath} within ${timeoutMs} ms: ${why}` };
  }
}
