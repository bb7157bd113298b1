import { findErrorLines } from './error-lines';

describe('findErrorLines', () => {
  it('finds error-level lines in each server format and leaves info lines alone', () => {
    const log = [
      '[1] 2026/11/26 19:00:00.000000 [INF] Server is ready',
      '[1] 2026/11/26 19:00:01.000000 [ERR] JetStream store failure',
      '2026.11.26 19:00:02.000 [ 1 ] <Error> executeQuery: Code: 60, table does not exist',
      'ts=2026-11-26T19:00:03Z level=error caller=main.go msg="scrape failed"',
      '{"level":50,"msg":"insert failed"}',
      '{"level":30,"msg":"batch inserted"}',
    ].join('\n');
    expect(findErrorLines(log)).toHaveLength(4);
  });
});
