import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Dockerode from 'dockerode';
import { loadStack } from '@qraft/config';
import { runChecks } from '@qraft/health';
import { readinessChecks } from './readiness-checks';

describe('readinessChecks', () => {
  it('has one required check per service the image set has, in the order of the model', () => {
    const docker = new Dockerode({ socketPath: join(tmpdir(), 'qraft-none.sock') });
    expect(readinessChecks(loadStack({ imageSet: 'offline' }), docker, {}).map((c) => [c.name, c.required ?? true])).toEqual([
      ['nats', true],
      ['clickhouse', true],
      ['prometheus', true],
      ['exporter', true],
      ['app', true],
    ]);
    expect(readinessChecks(loadStack({ imageSet: 'registry' }), docker, {}).map((c) => c.name)).toEqual(['nats', 'clickhouse', 'prometheus', 'grafana', 'nats-exporter', 'app']);
  });

  it('reports a service down with the engine named when its container cannot be asked, before probing its port', async () => {
    const docker = new Dockerode({ socketPath: join(tmpdir(), `qraft-none-${process.pid}.sock`) });
    const report = await runChecks(readinessChecks(loadStack({ imageSet: 'offline' }), docker, {}));
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'nats')?.error).toContain('container qraft-nats: no container engine answers on its socket');
  });
});
