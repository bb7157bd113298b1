import { formatFaultTable } from './fault-table';

describe('formatFaultTable', () => {
  it('prints the accounting (visible, raw and merged counts) and one row per fault with its recovery time and result, as Markdown', () => {
    const table = formatFaultTable(
      [
        { fault: 'SIGKILL nats (nats-server)', injection: 'kill -9', recoveryMs: 1_340, result: 'passed' },
        { fault: 'SIGKILL app (node)', injection: 'kill -9', note: 'skipped: podman did not restart it', result: 'skipped' },
      ],
      {
        final: { published: 10, acknowledged: 9, stored: 9, duplicates: 0, lost: 0, storedWithoutAck: 0, lostIds: [], duplicateIds: [] },
        api: { published: 10, acknowledged: 9, stored: 9, duplicates: 0, lost: 0, storedWithoutAck: 0, lostIds: [], duplicateIds: [] },
        rawRows: 11,
        distinctIds: 9,
        redeliveries: 4,
        mergedRows: 9,
        mergedDistinctIds: 9,
      },
    );
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^\| published \| acknowledged \| stored \|/);
    expect(lines[0]).toMatch(/\| raw rows \| raw copies \| redeliveries \| rows after OPTIMIZE FINAL \|$/);
    expect(lines[2]).toMatch(/^\| 10 +\| 9 +\| 9 +\| 0 +\| 0 \/ 0 +\| 0 \/ 0 +\| 11 +\| 2 +\| 4 +\| 9 +\|$/);
    expect(table).toMatch(/\| SIGKILL nats \(nats-server\) \| kill -9 +\| 1\.3 s +\| pass +\|/);
    expect(table).toMatch(/\| SIGKILL app \(node\) +\| kill -9 +\| — +\| skipped \| skipped: podman did not restart it \|/);
  });
});
