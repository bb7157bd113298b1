import { busyboxSkipReason } from './busybox-test-image';

describe('the real-engine tests on a machine without an engine', () => {
  const nowhere = '/nonexistent/qraft-test/docker.sock';

  it('fail with the fix, since an engine can be installed here', () => {
    expect(() => busyboxSkipReason({}, nowhere)).toThrow(`the real-engine tests cannot run: no container engine socket at ${nowhere} — run \`pnpm nx run infra:engine\` (or set QRAFT_SKIP_REAL_SERVERS=1 to skip them on purpose)`);
    expect(() => busyboxSkipReason({}, __filename, '/nonexistent/busybox')).toThrow(/\/nonexistent\/busybox is missing — run `pnpm nx run infra:engine`/);
  });

  it('are skipped, saying why, only when QRAFT_SKIP_REAL_SERVERS=1 asks for it', () => {
    expect(busyboxSkipReason({ QRAFT_SKIP_REAL_SERVERS: '1' }, nowhere)).toMatch(/^no container engine socket .*; skipped because QRAFT_SKIP_REAL_SERVERS=1$/);
    expect(busyboxSkipReason({}, __filename, __filename)).toBeUndefined();
  });
});
