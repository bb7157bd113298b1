import { describeServers } from './describe-servers';
import { missingServers } from './server-process';

describe('describeServers', () => {
  it("is jest's describe when the suite needs no server", () => {
    expect(describeServers('nothing needed', [])).toBe(describe);
  });

  it('is describe.skip exactly when a needed server is missing, and says which one', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const missing = missingServers(['nats-server']);
      const chosen = describeServers('nats tests', ['nats-server']);
      expect(chosen).toBe(missing.length === 0 ? describe : describe.skip);
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(missing.length === 0 ? [] : [`SKIPPED nats tests: ${missing.join('; ')}`]);
    } finally {
      warn.mockRestore();
    }
  });
});
