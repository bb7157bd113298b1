import { runCli, type CliSpec } from './run-cli';
import { UsageError } from './usage-error';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

const spec = (run: CliSpec<{ only: { type: 'string'; multiple: true } }>['run']): CliSpec<{ only: { type: 'string'; multiple: true } }> => ({
  name: 'demo',
  help: 'Usage: demo [--only X]',
  options: { only: { type: 'string', multiple: true } },
  run,
});

describe('runCli', () => {
  it('prints the help with the exit codes on stdout and exits 0 without running the command', async () => {
    const c = capture();
    let ran = false;
    const code = await runCli(spec(() => ((ran = true), 0)), ['--help'], c.io);
    expect(code).toBe(0);
    expect(ran).toBe(false);
    expect(c.out.join('\n')).toContain('Usage: demo [--only X]');
    expect(c.out.join('\n')).toContain('2 bad input');
  });

  it('exits 2 with one line naming an unknown option and where help is', async () => {
    const c = capture();
    const code = await runCli(spec(() => 0), ['--colour'], c.io);
    expect(code).toBe(2);
    expect(c.err).toEqual([`demo: Unknown option '--colour'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "--colour" — see demo --help`]);
  });

  it('exits 2 for a positional the command does not take', async () => {
    const c = capture();
    expect(await runCli(spec(() => 0), ['extra'], c.io)).toBe(2);
    expect(c.err).toEqual(['demo: unexpected argument "extra" — see demo --help']);
  });

  it('exits 2 for a UsageError and 1 for any other error, printing the message alone (no stack)', async () => {
    const bad = capture();
    expect(await runCli(spec(() => Promise.reject(new UsageError('--only "redis" is not known — use nats'))), [], bad.io)).toBe(2);
    expect(bad.err).toEqual(['demo: --only "redis" is not known — use nats']);
    const failed = capture();
    expect(await runCli(spec(() => { throw new Error('docker build exited with 1'); }), [], failed.io)).toBe(1);
    expect(failed.err).toEqual(['demo: docker build exited with 1']);
  });

  it('with --json also reports a failure on stdout as JSON', async () => {
    const c = capture();
    expect(await runCli(spec(() => { throw new Error('engine not answering'); }), ['--json'], c.io)).toBe(1);
    expect(JSON.parse(c.out[0]!)).toEqual({ ok: false, exitCode: 1, error: 'engine not answering' });
  });

  it('hands the command its parsed options, the --json flag and its exit code through', async () => {
    const c = capture();
    const code = await runCli(spec(({ values, json }) => (values.only?.join(',') === 'a,b' && json ? 0 : 1)), ['--only', 'a', '--only', 'b', '--json'], c.io);
    expect(code).toBe(0);
  });
});
