import { connect } from 'node:net';
import { type ProbeOptions, type ProbeResult } from './probe-result';
import { runProbe } from './run-probe';

export interface TcpProbeOptions extends ProbeOptions {
  readonly host: string;
  readonly port: number;
  readonly name?: string;
}

/** Up when a TCP connection to host:port is accepted; the connection is closed at once. */
export function probeTcp(options: TcpProbeOptions): Promise<ProbeResult> {
  const what = options.name ?? 'tcp';
  return runProbe(what, `${options.host}:${options.port}`, options, ({ signal }) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port, signal });
      socket.once('connect', () => {
        socket.destroy();
        resolve(`port ${options.port} accepts connections`);
      });
      socket.once('error', (error) => {
        socket.destroy();
        reject(error);
      });
    }),
  );
}
