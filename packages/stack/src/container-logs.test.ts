import Dockerode from 'dockerode';
import { demuxLogs } from './container-logs';

const frame = (stream: number, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

describe('demuxLogs', () => {
  // No engine is contacted: dockerode's modem only splits the frames.
  const docker = new Dockerode({ socketPath: '/nonexistent.sock' });

  it('joins the stdout and stderr frames of a multiplexed docker log stream in order', async () => {
    expect(await demuxLogs(docker, Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'more\n')]))).toBe('out\nerr\nmore\n');
  });

  it('passes the plain text of a TTY container through unchanged', async () => {
    expect(await demuxLogs(docker, Buffer.from('ready on :8080\n'))).toBe('ready on :8080\n');
    expect(await demuxLogs(docker, Buffer.from('ok'))).toBe('ok');
  });
});
