import { createServer, type Server, type Socket } from 'node:net';

/**
 * Listens on `port` and accepts connections without ever answering: what the app meets when a container's port is
 * wired before its server listens, a lost SYN leaves a connect hanging, or a stopped container's address stops
 * answering. Disposing closes it and every connection.
 */
export async function silentListener(port: number): Promise<AsyncDisposable & { readonly accepted: () => number }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    accepted: () => accepted,
    [Symbol.asyncDispose]: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
