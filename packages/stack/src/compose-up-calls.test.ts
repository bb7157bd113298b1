import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { composeFilePath, loadStack } from '@qraft/config';
import { composeUpCalls } from './compose-up-calls';
import { probeComposeTool, type ComposeTool } from './runtime';
import { runCommand } from './run-command';

const v2 = { name: 'docker-compose-v2', version: '2.26.1' } as const;

/** Runs `fn` with the offline stack's real compose file and the override `up` would lay over it, written to a temporary file. */
async function withRealFiles(tool: Pick<ComposeTool, 'name' | 'version'>, fn: (file: string, override: string) => Promise<void>): Promise<void> {
  const model = loadStack({ imageSet: 'offline' });
  const [call] = composeUpCalls(model, tool);
  const dir = mkdtempSync(join(tmpdir(), 'qraft-up-calls-'));
  try {
    const override = join(dir, call!.override!.name);
    writeFileSync(override, call!.override!.content);
    await fn(resolve(__dirname, '../../..', composeFilePath(model.variant, model.imageSet)), override);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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

  it('gives podman-compose before 1.3, and the depends_on baseline, one plain up', () => {
    const model = loadStack({ imageSet: 'offline' });
    expect(composeUpCalls(model, { name: 'podman-compose', version: '1.0.3' })).toEqual([{ args: ['up', '-d'] }]);
    expect(composeUpCalls(model, { name: 'podman-compose', version: '1.3.0' }, 'depends_on')).toEqual([{ args: ['up', '-d'] }]);
    expect(composeUpCalls(model, v2, 'depends_on')).toEqual([{ args: ['up', '-d'] }]);
  });

  it('starts everything in one podman-compose 1.3 call whose dependencies need only be started, without the !reset tag it cannot read', () => {
    const model = loadStack({ imageSet: 'offline' });
    const [call, ...rest] = composeUpCalls(model, { name: 'podman-compose', version: '1.3.0' });
    expect(rest).toEqual([]);
    expect(call!.args).toEqual(['up', '-d']);
    expect(call!.skipsEngineHealth).toBe(true);
    const content = call!.override!.content;
    expect(content).not.toContain('!reset');
    expect(content).not.toContain('service_healthy');
    expect(content).toContain('  app:\n    depends_on:\n      nats:\n        condition: service_started\n      clickhouse:\n        condition: service_started\n');
    expect(content).toContain('  exporter:\n    depends_on:\n');
    expect(model.services.app.dependsOn).toEqual(['nats', 'clickhouse']);
  });

  it('relaxes every dependant of the registry stack for podman-compose 1.3, and names no service that stack leaves out', () => {
    const model = loadStack({ imageSet: 'registry' });
    const content = composeUpCalls(model, { name: 'podman-compose', version: '1.4.0' })[0]!.override!.content;
    expect(content).toContain('  grafana:\n    depends_on:\n      prometheus:\n        condition: service_started\n      clickhouse:\n        condition: service_started\n');
    expect(content).toContain('  nats-exporter:\n    depends_on:\n      nats:\n        condition: service_started\n');
    expect(model.services.exporter.available).toBe(false);
    expect(content).not.toMatch(/^ {2}exporter:/m);
  });

  it('leaves docker compose itself no depends_on to wait on (compose config of the real file with the override)', async () => {
    const tool = await probeComposeTool('docker-compose-v2');
    if (!tool) {
      console.warn('SKIPPED the compose config check: docker compose v2 is not installed — run `pnpm nx run infra:engine`');
      return;
    }
    await withRealFiles(tool, async (file, override) => {
      const plain = await runCommand('docker', ['compose', '-p', 'qraft-up-calls-test', '-f', file, 'config', '--format', 'json']);
      const reset = await runCommand('docker', ['compose', '-p', 'qraft-up-calls-test', '-f', file, '-f', override, 'config', '--format', 'json']);
      expect(reset.stderr).toBe('');
      const services = (out: string) => (JSON.parse(out) as { services: Record<string, { depends_on?: object }> }).services;
      expect(Object.keys(services(plain.stdout).app!.depends_on ?? {})).toEqual(['clickhouse', 'nats']);
      expect(services(reset.stdout).app!.depends_on).toBeUndefined();
      expect(services(reset.stdout).exporter!.depends_on).toBeUndefined();
    });
  });

  it('leaves podman-compose 1.3 only service_started conditions to wait on (its own config of the real file with the override)', async () => {
    const tool = await probeComposeTool('podman-compose');
    if (!tool || !/^(1\.([3-9]|\d{2,})|[2-9])\./.test(tool.version)) {
      console.warn(`SKIPPED the podman-compose config check: it needs podman-compose 1.3 or later, found ${tool ? tool.version : 'none'} (Debian 12 ships 1.0.3; run it in the nested trixie engine: infra/scripts/nested-engine.sh exec podman …)`);
      return;
    }
    await withRealFiles(tool, async (file, override) => {
      const plain = await runCommand('podman-compose', ['-p', 'qraft-up-calls-test', '-f', file, 'config']);
      const relaxed = await runCommand('podman-compose', ['-p', 'qraft-up-calls-test', '-f', file, '-f', override, 'config']);
      expect(relaxed.exitCode).toBe(0);
      expect(plain.stdout).toContain('condition: service_healthy');
      expect(relaxed.stdout).not.toContain('service_healthy');
      expect(relaxed.stdout.match(/condition: service_started/g)).toHaveLength(4);
    });
  });
});
