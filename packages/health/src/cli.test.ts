import { describeServers, freePort, NatsTestServer, startClickHouse, startNats } from '@qraft/testkit';
import { runCli } from '@qraft/cli';
import { healthCli } from './cli';

async function cli(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const readFile = (path: string) => {
    if (path in files) return files[path]!;
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  };
  const code = await runCli(healthCli({ env, isTTY: false, readFile }), argv, { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
  return { code, stdout, stderr };
}

describe('qraft-health: bad input exits 2 with a clear message before any probe runs', () => {
  it.each([
    [['frobnicate', 'x'], 'unknown check "frobnicate" — one of: http, tcp, nats'],
    [[], 'no check given'],
    [['nats'], '`nats` needs a URL'],
    [['nats', 'http://127.0.0.1:4222'], 'nats URL "http://127.0.0.1:4222" must start with nats:// or tls://'],
    [['clickhouse', 'localhost:8123'], 'clickhouse URL "localhost:8123" must start with http:// or https://'],
    [['app', 'not a url'], '"not a url" is not a URL'],
    [['tcp', '127.0.0.1'], '"127.0.0.1" is not HOST:PORT'],
    [['http', 'http://x', '--wait', 'soon'], '--wait "soon" is not a duration'],
    [['http', 'http://x', '--wait', '60'], '--wait "60" has no unit — write 60s for seconds or 60ms for milliseconds'],
    [['nats', 'nats://127.0.0.1:4222', '--timeout', '0s'], '--timeout "0s" must be longer than 0'],
    [['http', 'http://x', '--bogus'], "Unknown option '--bogus'"],
    [['clickhouse', 'http://127.0.0.1:8123', '--password-file', '/run/secrets/nope'], 'cannot read the password file "/run/secrets/nope" (--password-file): ENOENT'],
    [['grafana', 'http://127.0.0.1:3000', '--user', 'admin'], 'grafana needs both a user and a password file'],
    [['stack', '--variant', 'staging'], '--variant "staging" — expected dev or prod'],
    [['http', 'http://x', '--inbox-prefix', '_INBOX_me'], '--inbox-prefix applies to `nats` only'],
    [['prometheus', 'http://127.0.0.1:9090', '--user', 'qraft'], 'prometheus needs both a user and a password file'],
    // A password in a URL is refused (it would reach shell history and reports); the message hides it and names the file variable.
    [['clickhouse', 'http://qraft_app:s3cret@127.0.0.1:8123'], 'clickhouse URL "http://127.0.0.1:8123/" carries a user or password (user:password@) — take them out of the URL and give --user and --password-file (or QRAFT_CLICKHOUSE_PASSWORD_FILE)'],
    [['nats', 'nats://app:s3cret@127.0.0.1:4222'], 'QRAFT_NATS_PASSWORD_FILE'],
    [['prometheus', 'http://qraft:s3cret@127.0.0.1:9090'], 'QRAFT_PROMETHEUS_PASSWORD_FILE'],
    [['http', 'http://someone:s3cret@127.0.0.1:8080/readyz'], '`http` sends no credentials: take them out of the URL'],
  ])('%j', async (argv, message) => {
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith('qraft-health: ')).toBe(true);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('s3cret');
  });

  it('names the environment variable when a password file from the environment is missing', async () => {
    const { code, stderr } = await cli(['clickhouse', 'http://127.0.0.1:8123'], { QRAFT_CLICKHOUSE_PASSWORD_FILE: '/run/secrets/ch' });
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read the password file "/run/secrets/ch" (QRAFT_CLICKHOUSE_PASSWORD_FILE): ENOENT');
  });

  it.each([['stack'], ['container', 'qraft-nats']])('says where `%s` lives when run from the app image (protocol probes only)', async (...argv) => {
    const { code, stderr } = await cli(argv);
    expect(code).toBe(2);
    expect(stderr).toContain("needs the stack's qraft-health (package @qraft/stack)");
  });

  it('prints usage with the exit codes every Qraft CLI shares for --help, and exits 0', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('qraft-health stack [--variant dev|prod]');
    expect(stdout).toContain('Exit codes: 0 done');
  });

  it('with --json, reports bad input on stdout too, as {ok: false, exitCode: 2}', async () => {
    const { code, stdout } = await cli(['tcp', 'nowhere', '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, exitCode: 2, error: expect.stringContaining('"nowhere" is not HOST:PORT') });
  });
});

describeServers('real-server tests')('qraft-health against real servers', () => {
  it('prints a table and exits 0 when nats is up, 1 when the port is closed', async () => {
    await using nats = await startNats();
    const ok = await cli(['nats', nats.url]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^nats\s+up\s+/m);
    const closed = await cli(['nats', `nats://127.0.0.1:${await freePort()}`]);
    expect(closed.code).toBe(1);
    expect(closed.stdout).toContain('connection refused — is the server running?');
  });

  it('prints JSON with --json and reads the password from the password file', async () => {
    await using ch = await startClickHouse();
    const files = { '/run/secrets/ch': `${ch.password}\n` };
    const { code, stdout } = await cli(['clickhouse', ch.url, '--user', ch.user, '--password-file', '/run/secrets/ch', '--json'], {}, files);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'up', checks: [{ name: 'clickhouse', state: 'up' }] });
    const wrong = await cli(['clickhouse', ch.url, '--json'], { QRAFT_CLICKHOUSE_USER: ch.user, QRAFT_CLICKHOUSE_PASSWORD_FILE: '/pw' }, { '/pw': 'wrong' });
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).checks[0].error).toContain('refused the credentials of user "qraft"');
  }, 60_000);

  it('waits with --wait for a server that starts late, printing progress, and exits 0', async () => {
    await using nats = await NatsTestServer.create();
    const run = cli(['nats', nats.url, '--wait', '20s']);
    await nats.start();
    const { code, stderr } = await run;
    expect(code).toBe(0);
    expect(stderr).toMatch(/nats: up \(rtt/);
  });
});
