import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What serves each request: a hono app's `fetch`. */
export type FetchHandler = (request: Request, env: HttpBindings) => Response | Promise<Response>;

/**
 * Idle keep-alive connections stay open this long: longer than the 60 s idle timeout of common load balancers,
 * so they, not the app, close an idle connection (fastify's default, which served this API before).
 */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

const CLIENT_ERRORS: Record<string, { status: number; text: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, text: 'Request Header Fields Too Large', message: 'the request headers are too large; send fewer or shorter headers' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, text: 'Request Timeout', message: 'the request was not received in time; send it again' },
};

/**
 * A fetch handler on a node:http server (hono's Node adapter) that closes gracefully: `close()` stops accepting,
 * closes the idle keep-alive connections and waits for the requests in flight. While `closing`, the handler is
 * expected to answer new requests with 503 and mark every response `connection: close` (the API's outermost
 * middleware does), so no keep-alive connection holds the close up for the keep-alive timeout.
 */
export class GracefulHttpServer {
  readonly server: Server;
  private closingNow = false;
  private closed: Promise<void> | undefined;

  constructor(handler: FetchHandler) {
    // The adapter's default: it sets the global Request and Response to its own lightweight subclasses, whose
    // string bodies it writes straight to the socket. Without that (overrideGlobalObjects: false) every response
    // goes through a web stream: twice the CPU per request for /healthz, a quarter more for POST /events.
    this.server = createAdaptorServer({ fetch: (request, env) => handler(request, env as HttpBindings) }) as Server;
    this.server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    // Malformed HTTP gets the API's JSON error shape too, not node's empty 400.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      const known = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, text: 'Bad Request', message: `the request is not valid HTTP/1.1 (${error.code ?? error.message}); fix the client` };
      const body = JSON.stringify({ error: 'bad_request', message: known.message });
      socket.end(`HTTP/1.1 ${known.status} ${known.text}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  /** True from the moment `close()` is called. */
  get closing(): boolean {
    return this.closingNow;
  }

  /** Listens and resolves with the address (`http://host:port`); rejects with the listen error (EADDRINUSE, …). */
  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address() as AddressInfo;
        resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
      });
    });
  }

  /** The port it listens on (the one the system chose for port 0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting and resolves once every connection has ended; calling it again returns the same promise. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve, reject) => {
      this.closingNow = true;
      if (!this.server.listening) {
        resolve();
        return;
      }
      // node's close() also closes the connections that are idle now; the others end after their response.
      this.server.close((error) => (error ? reject(error) : resolve()));
    });
    return this.closed;
  }
}
