/**
 * How late does waitUntilHealthy notice that a service came up?
 * For each run: create a real server (not started), start waitUntilHealthy and an independent tight
 * poller, then start the server. Latency = library's return − the server's own first successful
 * answer as seen by the tight poller. Usage: pnpm tsx packages/health/bench/detection-latency.ts [--runs 7] [--json]
 */
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { ClickHouseTestServer, missingServers, NatsTestServer } from '@qraft/testkit';
import { probeClickHouse, probeNats, waitUntilHealthy, type Check } from '../src/index';

interface Subject {
  readonly name: string;
  readonly create: () => Promise<{ server: NatsTestServer | ClickHouseTestServer; check: Check; firstAnswer: () => Promise<boolean> }>;
}

/** NATS answers a TCP client with its INFO line first thing; that line is its own "I am up". */
function natsInfo(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (chunk) => done(chunk.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}

const subjects: Subject[] = [
  {
    name: 'nats',
    create: async () => {
      const server = await NatsTestServer.create();
      return {
        server,
        check: { name: 'nats', probe: (signal) => probeNats({ url: server.url, signal }) },
        firstAnswer: () => natsInfo(server.port),
      };
    },
  },
  {
    name: 'clickhouse',
    create: async () => {
      const server = await ClickHouseTestServer.create();
      const auth = { 'X-ClickHouse-User': server.user, 'X-ClickHouse-Key': server.password };
      return {
        server,
        check: {
          name: 'clickhouse',
          probe: (signal) => probeClickHouse({ url: server.url, user: server.user, password: server.password, signal }),
        },
        // The same bar the probe sets (an authenticated SELECT 1), polled as fast as the server answers.
        firstAnswer: async () => {
          const r = await fetch(`${server.url}/?query=SELECT%201`, { headers: auth }).catch(() => undefined);
          return r !== undefined && r.ok && (await r.text()).trim() === '1';
        },
      };
    },
  },
];

async function measureOnce(subject: Subject): Promise<number> {
  const { server, check, firstAnswer } = await subject.create();
  try {
    let first: number | undefined;
    let stopPoller = false;
    const poller = (async () => {
      while (!stopPoller && first === undefined) {
        if (await firstAnswer()) first = performance.now();
        else await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const waiting = waitUntilHealthy([check], { timeoutMs: 60_000 }).then(() => performance.now());
    // start() waits for readiness itself; the measurement does not depend on when it returns.
    const starting = server.start(60_000);
    const noticed = await waiting;
    await starting;
    stopPoller = true;
    await poller;
    if (first === undefined) throw new Error(`${subject.name}: the tight poller never saw an answer`);
    return noticed - first;
  } finally {
    await server[Symbol.asyncDispose]();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function runBenchmark(runs: number) {
  const rows = [];
  for (const subject of subjects) {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await measureOnce(subject));
    const r = (n: number) => Math.round(n * 10) / 10;
    rows.push({ service: subject.name, runs, medianMs: r(median(samples)), minMs: r(Math.min(...samples)), maxMs: r(Math.max(...samples)), samplesMs: samples.map(r) });
  }
  return rows;
}

async function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } } });
  const missing = missingServers();
  if (missing.length > 0) {
    console.error(`cannot run: ${missing.join('; ')}`);
    process.exitCode = 2;
    return;
  }
  const rows = await runBenchmark(Number(values.runs));
  const goalMs = 250;
  if (values.json) {
    console.log(JSON.stringify({ goalMs, node: process.version, results: rows }, null, 2));
  } else {
    console.log(`detection latency: waitUntilHealthy return − service's first successful answer (goal < ${goalMs} ms)\n`);
    console.log('service     runs  median    min       max       verdict');
    for (const r of rows) {
      const cell = (n: number) => `${n.toFixed(1)} ms`.padEnd(10);
      console.log(`${r.service.padEnd(12)}${String(r.runs).padEnd(6)}${cell(r.medianMs)}${cell(r.minMs)}${cell(r.maxMs)}${r.medianMs < goalMs ? 'ok' : 'OVER GOAL'}`);
    }
  }
  if (rows.some((r) => r.medianMs >= goalMs)) process.exitCode = 1;
}

if (require.main === module) void main();
