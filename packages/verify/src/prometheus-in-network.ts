import { networkOf, runInStackNetwork } from './network-probe';
import type { StackContext } from './stack-context';

/** Fetches each path from http://prometheus:9090 inside the probe container and prints the JSON bodies. */
const FETCH_SCRIPT = `
const paths = JSON.parse(process.argv[1]);
Promise.all(paths.map((p) => fetch('http://prometheus:9090' + p, { signal: AbortSignal.timeout(10000) })
  .then((r) => r.json()).catch((e) => ({ status: 'error', error: String(e && e.message || e) }))))
  .then((bodies) => console.log(JSON.stringify(bodies)));
`;

export interface PromSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

/** Prometheus' HTTP API, asked from inside the stack's backend network (where Prometheus is in every variant). */
export class PrometheusInNetwork {
  private constructor(
    private readonly context: StackContext,
    private readonly network: string,
  ) {}

  static async open(context: StackContext): Promise<PrometheusInNetwork> {
    return new PrometheusInNetwork(context, await networkOf(context, 'prometheus', 'backend'));
  }

  /** Instant queries, all in one probe container; each answer is its series, or an Error naming the query. */
  async query(exprs: readonly string[]): Promise<Array<PromSeries[] | Error>> {
    const bodies = await this.get(exprs.map((e) => `/api/v1/query?query=${encodeURIComponent(e)}`));
    return bodies.map((body, i) => {
      const b = body as { status: string; data?: { result: PromSeries[] }; error?: string };
      return b.status === 'success' && b.data ? b.data.result : new Error(`query ${exprs[i]} failed: ${b.error ?? JSON.stringify(b).slice(0, 200)}`);
    });
  }

  async get(paths: readonly string[]): Promise<unknown[]> {
    return runInStackNetwork<unknown[]>(this.context, this.network, FETCH_SCRIPT, paths);
  }
}
