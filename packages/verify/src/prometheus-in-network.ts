import { networkOf, runInStackNetwork } from './network-probe';
import type { StackContext } from './stack-context';

/**
 * Sends each request to http://prometheus:9090 inside the probe container and prints status and body (JSON
 * when it parses). The login travels in the script's input, never in its output.
 */
const FETCH_SCRIPT = `
const { authorization, requests } = JSON.parse(process.argv[1]);
Promise.all(requests.map((r) => fetch('http://prometheus:9090' + r.path, {
    method: r.method, headers: r.login && authorization ? { authorization } : {}, signal: AbortSignal.timeout(10000) })
  .then(async (res) => { const text = await res.text(); let body; try { body = JSON.parse(text); } catch { body = text; } return { status: res.status, body }; })
  .catch((e) => ({ status: 0, body: { status: 'error', error: String(e && e.message || e) } }))))
  .then((answers) => console.log(JSON.stringify(answers)));
`;

export interface PromSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

export interface PromRequest {
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  /** Send the stack's login (default true); false asks as a client without credentials would. */
  readonly login?: boolean;
}

export interface PromAnswer {
  /** 0 when the request itself failed. */
  readonly status: number;
  readonly body: unknown;
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

  /** GETs with the stack's login; the bodies. */
  async get(paths: readonly string[]): Promise<unknown[]> {
    return (await this.send(paths.map((path) => ({ path })))).map((a) => a.body);
  }

  /** Any requests, with or without the login; status and body of each. */
  async send(requests: readonly PromRequest[]): Promise<PromAnswer[]> {
    const login = this.context.prometheus;
    const authorization = login ? `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}` : undefined;
    const input = { authorization, requests: requests.map((r) => ({ path: r.path, method: r.method ?? 'GET', login: r.login ?? true })) };
    return runInStackNetwork<PromAnswer[]>(this.context, this.network, FETCH_SCRIPT, input);
  }
}
