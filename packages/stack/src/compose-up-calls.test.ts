import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { composeFilePath, loadStack } from '@qraft/config';
import { composeUpCalls } from './compose-up-calls';
import { probeComposeTool } from './runtime';
import { runCommand } from './run-command';

const v2 = { name: 'docker-compose-v2', version: '2.26.1' } as const;

describe('compose up calls', () => {
  it('starts everything in one docker compose call with depends_on reset, while the generated file keeps it', () => {
    const model = loadStack({ imageSet: 'offline' });
    const [call, ...rest] = composeUpCalls(model, v2);
    expect(rest).toEqual([]);
    expect(call!.args).toEqual(['up', '-d']);
    expect(call!.override!.content).toContain('  app:\n    depends_on: !reset {}');
    expect(call!.override!.content).toContain('  exporter:\n    depends_on: !reset {}');
    expect(model.services.app.dependsOn).toEqual(['nats', 'clickhouse']);
  });

  it('starts one dependency layer per call with --no-deps where compose has no !reset (v1, v2 before 2.24)', () => {
    const offline = loadStack({ imageSet: 'offline' });
    for (const tool of [{ name: 'docker-compose-v1', version: '1.29.2' }, { name: 'docker-compose-v2', version: '2.20.2' }] as const) {
      expect(composeUpCalls(offline, tool).map((c) => c.args)).toEqual([
        ['up', '-d', '--no-deps', 'nats', 'clickhouse', 'prometheus'],
        ['up', '-d', '--no-deps', 'exporter', 'app'],
      ]);
    }
    const calls = composeUpCalls(loadStack({ imageSet: 'registry' }), { name: 'docker-compose-v1', version: '1.29.2' }).map((c) => c.args);
    const layerOf = (name: string) => calls.findIndex((args) => args.includes(name));
    expect(layerOf('grafana')).toBeGreaterThan(layerOf('prometheus'));
    expect(layerOf('app')).toBeGreaterThan(layerOf('nats'));
  });

  it('gives podman-compose, and the depends_on baseline, one plain up', () => {
    const model = loadStack({ imageSet: 'offline' });
    expect(composeUpCalls(model, { name: 'podman-compose', version: '1.0.3' })).toEqual([{ args: ['up', '-d'] }]);
    expect(composeUpCalls(model, v2, 'depends_on')).toEqual([{ args: ['up', '-d'] }]);
  });

  it('leaves docker compose itself no depends_on to wait on (compose config of the real file with the override)', async () => {
    const tool = await probeComposeTool('docker-compose-v2');
    if (!tool) {
      console.warn('SKIPPED the compose config check: docker compose v2 is not installed — run `pnpm nx run infra:engine`');
      return;
    }
    const model = loadStack({ imageSet: 'offline' });
    const [call] = composeUpCalls(model, tool);
    const dir = mkdtempSync(join(tmpdir(), 'qraft-up-calls-'));
    try {
      const override = join(dir, call!.override!.name);
      writeFileSync(override, call!.override!.content);
      const file = resolve(__dirname, '../../..', composeFilePath(model.variant, model.imageSet));
      const plain = await runCommand('docker', ['compose', '-p', 'qraft-up-calls-test', '-f', file, 'config', '--format', 'json']);
      const reset = await runCommand('docker', ['compose', '-p', 'qraft-up-calls-test', '-f', file, '-f', override, 'config', '--format', 'json']);
      expect(reset.stderr).toBe('');
      const services = (out: string) => (JSON.parse(out) as { services: Record<string, { depends_on?: object }> }).services;
      expect(Object.keys(services(plain.stdout).app!.depends_on ?? {})).toEqual(['clickhouse', 'nats']);
      expect(services(reset.stdout).app!.depends_on).toBeUndefined();
      expect(services(reset.stdout).exporter!.depends_on).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
