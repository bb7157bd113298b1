import { detectRuntime, parseEngineChoice } from './runtime';

describe('runtime selection', () => {
  it('accepts the usual names for each compose tool', () => {
    expect(parseEngineChoice('docker')).toBe('docker-compose-v2');
    expect(parseEngineChoice('Podman')).toBe('podman-compose');
    expect(parseEngineChoice('docker-compose')).toBe('docker-compose-v1');
  });

  it('rejects an unknown engine and lists the accepted values', () => {
    expect(() => parseEngineChoice('lxc')).toThrow(
      'engine "lxc" is not known — use docker, podman, docker-compose-v1 or podman-compose (option --engine or QRAFT_ENGINE)',
    );
  });

  it('explains how to get an engine when the chosen tool is absent', async () => {
    await expect(detectRuntime('docker-compose-v1')).rejects.toThrow(/docker-compose-v1 is not installed — run `nx run infra:engine`/);
  });
});
