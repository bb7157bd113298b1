import { Writable } from 'node:stream';
import { createLogger, REDACTED } from './logger';

function capture() {
  const lines: string[] = [];
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return { stdout, lines };
}

describe('the app logger', () => {
  it('redacts password and authorization fields, URL user info and the known secret values, wherever they appear', () => {
    const { stdout, lines } = capture();
    const logger = createLogger({ level: 'info', stdout, secrets: ['file-secret-1234'] });
    logger.info({ config: { clickhousePassword: 'field-secret', clickhouseUrl: 'http://clickhouse:8123' } }, 'config');
    logger.info({ headers: { authorization: 'Basic cXJhZnQ6c2VjcmV0' } }, 'request');
    logger.warn({ url: 'nats://app:url-secret@nats:4222' }, 'NATS not reachable yet');
    logger.error({ err: new Error('auth failed for file-secret-1234 at http://qraft_app:url-secret@clickhouse:8123') }, 'failed');
    logger.flush();
    const text = lines.join('\n');
    for (const secret of ['field-secret', 'cXJhZnQ6c2VjcmV0', 'url-secret', 'file-secret-1234']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]!).config.clickhousePassword).toBe(REDACTED);
    expect(JSON.parse(lines[1]!).headers.authorization).toBe(REDACTED);
    expect(JSON.parse(lines[2]!).url).toBe(`nats://${REDACTED}@nats:4222`);
    expect(JSON.parse(lines[3]!).err.message).toBe(`auth failed for ${REDACTED} at http://${REDACTED}@clickhouse:8123`);
    // What is no credential stays as it was.
    expect(JSON.parse(lines[0]!).config.clickhouseUrl).toBe('http://clickhouse:8123');
  });
});
