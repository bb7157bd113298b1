import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashBuildInputs } from './inputs-hash';

function tempContext(): { dir: string } & Disposable {
  const dir = mkdtempSync(join(tmpdir(), 'qraft-hash-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY a.txt /\n');
  writeFileSync(join(dir, 'a.txt'), 'a');
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('build inputs hash', () => {
  it('is stable for the same context and changes with a file, a mode or a build argument', () => {
    using ctx = tempContext();
    const first = hashBuildInputs({ context: ctx.dir, buildArgs: { A: '1' } });
    expect(hashBuildInputs({ context: ctx.dir, buildArgs: { A: '1' } })).toBe(first);
    expect(hashBuildInputs({ context: ctx.dir, buildArgs: { A: '2' } })).not.toBe(first);
    chmodSync(join(ctx.dir, 'a.txt'), 0o755);
    const moded = hashBuildInputs({ context: ctx.dir, buildArgs: { A: '1' } });
    expect(moded).not.toBe(first);
    writeFileSync(join(ctx.dir, 'a.txt'), 'b');
    expect(hashBuildInputs({ context: ctx.dir, buildArgs: { A: '1' } })).not.toBe(moded);
  });

  it('ignores what .dockerignore keeps out of the build context', () => {
    using ctx = tempContext();
    writeFileSync(join(ctx.dir, '.dockerignore'), 'node_modules\n');
    const before = hashBuildInputs({ context: ctx.dir });
    mkdirSync(join(ctx.dir, 'node_modules'));
    writeFileSync(join(ctx.dir, 'node_modules', 'x.js'), 'x');
    expect(hashBuildInputs({ context: ctx.dir })).toBe(before);
  });
});
