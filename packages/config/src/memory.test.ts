import { parseMemory } from './memory';

describe('parseMemory', () => {
  it('reads compose-style sizes in binary units', () => {
    expect(parseMemory('512m')).toBe(512 * 1024 * 1024);
    expect(parseMemory('1g')).toBe(1024 ** 3);
    expect(parseMemory('1.5G')).toBe(1.5 * 1024 ** 3);
  });

  it('rejects a size without a unit and says how to write one', () => {
    expect(() => parseMemory('512')).toThrow(/memory "512" is not a size — write a number with a unit/);
  });
});
