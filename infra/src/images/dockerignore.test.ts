import { parseDockerIgnore } from './dockerignore';

describe('dockerignore', () => {
  it('leaves out a directory with everything below it, at any depth with **', () => {
    const ignore = parseDockerIgnore('node_modules\n**/dist\n# comment\n\n/coverage/\n');
    expect(ignore.ignores('node_modules')).toBe(true);
    expect(ignore.ignores('node_modules/a/b.js')).toBe(true);
    expect(ignore.ignores('packages/app/dist/main.js')).toBe(true);
    expect(ignore.ignores('dist')).toBe(true);
    expect(ignore.ignores('coverage/lcov.info')).toBe(true);
    expect(ignore.ignores('packages/app/src/main.ts')).toBe(false);
  });

  it('brings a file back with a later ! exception, and the last matching rule wins', () => {
    const ignore = parseDockerIgnore('*.md\n!README.md\n');
    expect(ignore.hasExceptions).toBe(true);
    expect(ignore.ignores('CHANGES.md')).toBe(true);
    expect(ignore.ignores('README.md')).toBe(false);
    expect(ignore.ignores('docs/x.md')).toBe(false);
  });

  it('matches * and ? within one path segment only', () => {
    const ignore = parseDockerIgnore('packages/*/test\nfile?.txt');
    expect(ignore.ignores('packages/app/test/a.test.ts')).toBe(true);
    expect(ignore.ignores('packages/app/sub/test')).toBe(false);
    expect(ignore.ignores('file1.txt')).toBe(true);
    expect(ignore.ignores('file10.txt')).toBe(false);
  });
});
