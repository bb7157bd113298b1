import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describeServers } from './describe-servers';
import { waitFor } from './wait-for';

/** Whether something accepts connections on the port (on 127.0.0.1). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describeServers('server process tests', ['nats-server'])('a test server', () => {
  it('does not outlive a process that exits without stopping it', async () => {
    // A script that starts NATS and leaves through process.exit, printing the server's port first.
    const script = `require(${JSON.stringify(join(__dirname, 'index.ts'))}).startNats().then((n) => { console.log('port=' + n.port); process.exit(0); });`;
    const run = spawnSync(process.execPath, ['--conditions=@qraft/source', '--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const port = Number(/port=(\d+)/.exec(run.stdout)?.[1]);
    expect(port).toBeGreaterThan(0);
    await waitFor(`nothing listening on ${port} once the script has exited`, async () => !(await listening(port)), 10_000);
  }, 90_000);
});
