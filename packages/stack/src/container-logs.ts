import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';

/**
 * Splits Docker's multiplexed log stream (8-byte frame headers) into text with dockerode's own
 * `modem.demuxStream`; a container with a TTY sends plain text, which passes through as it is.
 */
export async function demuxLogs(docker: Dockerode, buffer: Buffer): Promise<string> {
  if (!isMultiplexed(buffer)) return buffer.toString('utf8');
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const source = new PassThrough();
  const ended = new Promise<void>((resolve) => source.once('end', resolve));
  docker.modem.demuxStream(source, out, out);
  source.end(buffer);
  await ended;
  return Buffer.concat(chunks).toString('utf8');
}

/** A multiplexed stream starts with a frame header: stream 0–2, three zero bytes. */
function isMultiplexed(buffer: Buffer): boolean {
  return buffer.length >= 8 && buffer[0]! <= 2 && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
}

/** A container's stdout and stderr since `since` (whole seconds), as text. */
export async function readContainerLogs(docker: Dockerode, containerName: string, since?: Date, tail?: number): Promise<string> {
  const options = {
    stdout: true,
    stderr: true,
    follow: false as const,
    ...(since ? { since: Math.floor(since.getTime() / 1_000) } : {}),
    ...(tail ? { tail } : {}),
  };
  const raw = await docker.getContainer(containerName).logs(options);
  return demuxLogs(docker, Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
}
