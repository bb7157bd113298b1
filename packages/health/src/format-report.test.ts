import { buildReport, type Check } from './check';
import { exitCode, formatReport, reportToJson } from './format-report';
import type { ProbeResult } from './probe-result';

const results = new Map<string, ProbeResult>([
  ['nats', { ok: true, state: 'up', latencyMs: 3.2, detail: 'rtt 1 ms, JetStream on (1 streams)' }],
  ['clickhouse', { ok: false, state: 'degraded', latencyMs: 7, detail: 'table default.events missing', error: 'clickhouse at http://127.0.0.1:8123: table default.events does not exist — run the schema migration' }],
  ['grafana', { ok: false, state: 'down', latencyMs: 1, detail: 'unreachable', error: 'grafana at http://127.0.0.1:3000: connection refused — is the server running?' }],
]);
const checks: Check[] = [
  { name: 'nats', probe: async () => results.get('nats')! },
  { name: 'clickhouse', probe: async () => results.get('clickhouse')! },
  { name: 'grafana', required: false, probe: async () => results.get('grafana')! },
];

describe('reports', () => {
  const report = buildReport(checks, results, 12);

  it('prints a table with one row per check, then each failing check’s error, and no colour unless asked', () => {
    const text = formatReport(report);
    expect(text.includes('\x1b[')).toBe(false);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^CHECK\s+STATE\s+LATENCY\s+DETAIL$/);
    expect(lines[1]).toMatch(/^nats\s+up\s+3 ms\s+rtt 1 ms/);
    expect(lines[3]).toMatch(/^grafana \(optional\)\s+down/);
    expect(text).toContain('✗ clickhouse: clickhouse at http://127.0.0.1:8123: table default.events does not exist');
    expect(text).toMatch(/DEGRADED — 1\/2 required checks up/);
  });

  it('colours the state column when asked (on a TTY)', () => {
    expect(formatReport(report, { color: true })).toContain('\x1b[33mdegraded');
  });

  it('serialises to JSON with a top-level status and every check’s state and error', () => {
    const json = JSON.parse(reportToJson(report));
    expect(json).toMatchObject({ status: 'degraded', ok: false, durationMs: 12 });
    expect(json.checks[2]).toEqual({
      name: 'grafana', required: false, state: 'down', ok: false, latencyMs: 1, detail: 'unreachable',
      error: 'grafana at http://127.0.0.1:3000: connection refused — is the server running?',
    });
  });

  it('exits 0 only when every required check is up, whatever the optional ones say', () => {
    expect(exitCode(report)).toBe(1);
    const allUp = new Map(results);
    allUp.set('clickhouse', { ok: true, state: 'up', latencyMs: 1, detail: 'ok' });
    expect(exitCode(buildReport(checks, allUp, 1))).toBe(0);
  });
});
