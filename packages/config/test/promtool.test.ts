import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPromtool } from './promtool';

describe('findPromtool', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qraft-promtool-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds promtool on PATH', () => {
    writeFileSync(join(dir, 'promtool'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findPromtool({ PATH: dir }, [])).toEqual({ path: join(dir, 'promtool') });
  });

  it('names QRAFT_SKIP_REAL_SERVERS as the reason to skip when it is set', () => {
    expect(findPromtool({ PATH: dir, QRAFT_SKIP_REAL_SERVERS: '1' }, []).skipReason).toMatch(/^promtool is not installed and QRAFT_SKIP_REAL_SERVERS=1 skips .* unset it/);
  });

  it('names the install when the variable is not set', () => {
    expect(findPromtool({ PATH: dir }, []).skipReason).toMatch(/^promtool is not installed — install Debian's prometheus package, .*infra\/scripts\/engine\.sh --servers/);
  });
});
