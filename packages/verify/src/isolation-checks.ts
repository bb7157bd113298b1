import { runInStackNetwork } from './network-probe';
import type { StackContext } from './stack-context';
import type { VerifyCheck } from './verify-check';

/** Runs in the probe container: tries a TCP connection to each host:port and prints what happened. */
const PROBE_SCRIPT = `
const net = require('node:net');
const targets = JSON.parse(process.argv[1]);
Promise.all(targets.map(([host, port]) => new Promise((resolve) => {
  const socket = net.connect({ host, port, timeout: 3000 });
  const done = (reached, why) => { socket.destroy(); resolve({ host, port, reached, why }); };
  socket.once('connect', () => done(true, 'connected'));
  socket.once('timeout', () => done(false, 'timeout'));
  socket.once('error', (e) => done(false, e.code || e.message));
}))).then((r) => console.log(JSON.stringify(r)));
`;

interface Attempt {
  readonly host: string;
  readonly port: number;
  readonly reached: boolean;
  readonly why: string;
}

/** The network of the app container whose name says frontend (compose prefixes it with the project). */
async function frontendNetwork(context: StackContext): Promise<string> {
  const app = context.services.find((s) => s.name === 'app');
  if (!app) throw new Error('no app service in the stack');
  const info = await context.docker.getContainer(app.containerName).inspect();
  const name = Object.keys(info.NetworkSettings.Networks ?? {}).find((n) => n === context.frontendNetwork || n.endsWith('_frontend') || n.endsWith('-frontend'));
  if (!name) throw new Error(`the app container is on no frontend network (${Object.keys(info.NetworkSettings.Networks ?? {}).join(', ')})`);
  return name;
}

/** A throwaway container attached only to `frontend` reaches the app but neither ClickHouse nor NATS. */
export const frontendIsolation: VerifyCheck<StackContext> = {
  group: 'isolation',
  name: 'a container on frontend only reaches the app but not ClickHouse or NATS',
  run: async (context) => {
    const network = await frontendNetwork(context);
    const targets: Array<[string, number]> = [
      ['app', 8080],
      ['clickhouse', 8123],
      ['nats', 4222],
    ];
    const attempts = await runInStackNetwork<Attempt[]>(context, network, PROBE_SCRIPT, targets);
    const app = attempts.find((a) => a.host === 'app');
    // The positive control: without it, a broken probe would look like perfect isolation.
    if (!app?.reached) throw new Error(`the probe could not reach the app on ${network} (${app?.why}) — the check itself is broken`);
    const leaks = attempts.filter((a) => a.host !== 'app' && a.reached);
    if (leaks.length > 0) throw new Error(`reached from ${network}: ${leaks.map((a) => `${a.host}:${a.port}`).join(', ')}`);
    return `on ${network}: app reached; ${attempts.filter((a) => a.host !== 'app').map((a) => `${a.host} ${a.why}`).join(', ')}`;
  },
};
