import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { composeFilePath, loadStack } from '@qraft/config';
import { realEngineSkipReason } from '@qraft/testkit';
import { composeQuiet } from './compose';
import { composeUpCalls, withoutDependsOn } from './compose-up-calls';
import { documentTarget } from './document-target';
import { engineAdapter } from './engine-adapter';
import { COMPOSE_V2_MISSING } from './busybox-test-image';
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

/** The service names of a rendered compose document, in its order. */
function servicesIn(document: string): string[] {
  const lines = document.split('\n');
  const from = lines.indexOf('services:') + 1;
  const to = lines.findIndex((l, i) => i >= from && /^\S/.test(l));
  return lines.slice(from, to).flatMap((l) => /^ {2}([a-z-]+):$/.exec(l)?.[1] ?? []);
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

  it('has podman-compose 1.3 only create the containers, from the stack file without depends_on that it reads from stdin', () => {
    const model = loadStack({ imageSet: 'offline' });
    const [call, ...rest] = composeUpCalls(model, { name: 'podman-compose', version: '1.3.0' });
    expect(rest).toEqual([]);
    expect(call!.args).toEqual(['up', '--no-start']);
    expect(call!.startsCreated).toBe(true);
    expect(call!.skipsEngineHealth).toBe(true);
    expect(call!.override).toBeUndefined();
    expect(call!.document).not.toContain('depends_on');
    expect(call!.document).not.toContain('!reset');
    // The app first, then what it depends on: podman-compose creates services without dependencies in file order.
    expect(servicesIn(call!.document!)).toEqual(['app', 'nats', 'clickhouse', 'exporter', 'prometheus']);
    expect(model.services.app.dependsOn).toEqual(['nats', 'clickhouse']);
  });

  it('orders the registry stack\'s podman-compose 1.3 document by the slowest dependant first, each followed by what it needs', () => {
    const model = loadStack({ imageSet: 'registry' });
    const document = composeUpCalls(model, { name: 'podman-compose', version: '1.4.0' })[0]!.document!;
    // grafana and the app start slowest (start periods 30 s and 20 s); the exporter is left out of that stack.
    expect(servicesIn(document)).toEqual(['grafana', 'prometheus', 'clickhouse', 'app', 'nats', 'nats-exporter']);
    expect(document).not.toContain('depends_on');
  });

  it('reads the same services, paths and secrets from the stdin document as from the file, minus depends_on (docker compose config of both)', async () => {
    const tool = await probeComposeTool('docker-compose-v2');
    if (!tool) {
      console.warn(`SKIPPED the stdin document check: ${realEngineSkipReason(COMPOSE_V2_MISSING)}`);
      return;
    }
    const model = loadStack({ imageSet: 'offline' });
    const runtime = { compose: { ...tool }, engine: engineAdapter('docker'), socketPath: '/nonexistent' };
    const target = { runtime, file: composeFilePath(model.variant, model.imageSet), project: 'qraft-up-calls-test', cwd: resolve(__dirname, '../../..') };
    const fromFile = await composeQuiet(target, ['config', '--format', 'json']);
    const fromStdin = await composeQuiet(documentTarget(target, withoutDependsOn(model)), ['config', '--format', 'json']);
    expect(fromStdin.stderr).toBe('');
    const file = JSON.parse(fromFile.stdout) as { services: Record<string, { depends_on?: object }> };
    const stdin = JSON.parse(fromStdin.stdout) as { services: Record<string, { depends_on?: object }> };
    expect(Object.keys(file.services.app!.depends_on ?? {})).toEqual(['clickhouse', 'nats']);
    for (const service of Object.values(file.services)) delete service.depends_on;
    expect(stdin).toEqual(file);
  });

  it('leaves docker compose itself no depends_on to wait on (compose config of the real file with the override)', async () => {
    const tool = await probeComposeTool('docker-compose-v2');
    if (!tool) {
      console.warn(`SKIPPED the compose config check: ${realEngineSkipReason(COMPOSE_V2_MISSING)}`);
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

  it('gives podman-compose 1.3 no depends_on to wait on, and the paths of the file (its own config of the stdin document)', async () => {
    const tool = await probeComposeTool('podman-compose');
    if (!tool || !/^(1\.([3-9]|\d{2,})|[2-9])\./.test(tool.version)) {
      console.warn(`SKIPPED the podman-compose config check: it needs podman-compose 1.3 or later, found ${tool ? tool.version : 'none'} (Debian 12 ships 1.0.3; run it in the nested trixie engine: infra/scripts/nested-engine.sh exec podman …)`);
      return;
    }
    const model = loadStack({ imageSet: 'offline' });
    const runtime = { compose: { ...tool }, engine: engineAdapter('podman'), socketPath: '/nonexistent' };
    const target = { runtime, file: composeFilePath(model.variant, model.imageSet), project: 'qraft-up-calls-test', cwd: resolve(__dirname, '../../..') };
    const [call] = composeUpCalls(model, tool);
    const plain = await composeQuiet(target, ['config']);
    const fromStdin = await composeQuiet(documentTarget(target, call!.document!), ['config']);
    expect(fromStdin.exitCode).toBe(0);
    expect(plain.stdout).toContain('condition: service_healthy');
    expect(fromStdin.stdout).not.toContain('depends_on');
    // Its config sorts the keys: the same text but for depends_on, also the build context it makes absolute from
    // the document's directory — so relative paths resolve as for the file.
    const withoutDependsOnBlocks = (out: string) => out.replace(/^( +)depends_on:\n(?:\1 .*\n)*/gm, '');
    expect(fromStdin.stdout).toContain(`context: ${resolve(__dirname, '../../..')}\n`);
    expect(fromStdin.stdout).toBe(withoutDependsOnBlocks(plain.stdout));
  });
});
