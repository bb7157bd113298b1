import type Dockerode from 'dockerode';

/** Splits Docker's multiplexed log stream (8-byte frame headers) into text; a TTY stream has no headers. */
export function demuxLogs(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if ((stream !== 0 && stream !== 1 && stream !== 2) || buffer[offset + 1] !== 0) return buffer.toString('utf8');
    parts.push(buffer.subarray(offset + 8, offset + 8 + size).toString('utf8'));
    offset += 8 + size;
  }
  return parts.length > 0 ? parts.join('') : buffer.toString('utf8');
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
  return demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
}
