import { loadStack } from '@qraft/config';
import { composeUpCalls } from './compose-up-calls';

describe('compose up calls', () => {
  it('starts each dependency layer with --no-deps on docker compose, so compose never waits on the engine healthchecks', () => {
    const model = loadStack({ imageSet: 'offline' });
    expect(composeUpCalls(model, 'docker-compose-v2')).toEqual([
      ['up', '-d', '--no-deps', 'nats', 'clickhouse', 'prometheus'],
      ['up', '-d', '--no-deps', 'exporter', 'app'],
    ]);
    // The generated file keeps depends_on for a plain `docker compose up`.
    expect(model.services.app.dependsOn).toEqual(['nats', 'clickhouse']);
  });

  it('puts grafana after prometheus and clickhouse in the registry set', () => {
    const calls = composeUpCalls(loadStack({ imageSet: 'registry' }), 'docker-compose-v2');
    const layerOf = (name: string) => calls.findIndex((call) => call.includes(name));
    expect(layerOf('grafana')).toBeGreaterThan(layerOf('prometheus'));
    expect(layerOf('grafana')).toBeGreaterThan(layerOf('clickhouse'));
    expect(layerOf('app')).toBeGreaterThan(layerOf('nats'));
    expect(calls.flat().filter((a) => a === '--no-deps')).toHaveLength(calls.length);
  });

  it('gives podman-compose one plain up, which ignores the conditions anyway', () => {
    expect(composeUpCalls(loadStack({ imageSet: 'offline' }), 'podman-compose')).toEqual([['up', '-d']]);
  });
});
