import type { Podman } from './podman-command';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

// Runs inside the app container with its own Node: the test needs no route to the pod network, so it works
// the same with a nested or remote engine. argv: method, url, body.
const FETCH = `const [m,u,b]=process.argv.slice(1);fetch(u,{method:m,headers:{'content-type':'application/json'},body:m==='GET'?undefined:b,signal:AbortSignal.timeout(5000)}).then(async r=>{process.stdout.write(JSON.stringify({status:r.status,body:await r.text()}))},e=>{process.stdout.write(JSON.stringify({status:0,body:String(e)}))})`;

/** HTTP requests to the app from inside its own container (`podman exec <container> node -e …`). */
export function appOverExec(podman: Podman, container: string, baseUrl = 'http://127.0.0.1:8080') {
  return async (method: 'GET' | 'POST', path: string, body = ''): Promise<HttpAnswer> => {
    const r = await podman(['exec', container, 'node', '-e', FETCH, method, new URL(path, baseUrl).toString(), body], { timeoutMs: 15_000 });
    if (!r.ok) return { status: 0, body: r.stderr.trim() };
    try {
      return JSON.parse(r.stdout) as HttpAnswer;
    } catch {
      return { status: 0, body: r.stdout.slice(0, 200) };
    }
  };
}
