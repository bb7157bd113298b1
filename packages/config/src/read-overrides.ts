import { ConfigError } from './config-error';
import { envStem, memoryEnvName, portEnvName } from './env-names';
import { isMemory } from './memory';
import type { StackInput } from './load-stack';
import { SERVICE_CATALOG } from './service-catalog';
import { SERVICE_NAMES, type ServiceName } from './stack-model';

export function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

export interface NormalOverride {
  readonly hostPorts: Map<string, { port: number; field: string }>;
  memory: { value: string; field: string } | undefined;
  cpus: { value: number; field: string } | undefined;
}

const SERVICES_BY_STEM = [...SERVICE_NAMES].sort((a, b) => b.length - a.length);

export function readOverrides(input: StackInput, env: Readonly<Record<string, string | undefined>>): Map<ServiceName, NormalOverride> {
  const result = new Map<ServiceName, NormalOverride>();
  const slot = (name: ServiceName) => {
    let o = result.get(name);
    if (!o) result.set(name, (o = { hostPorts: new Map(), memory: undefined, cpus: undefined }));
    return o;
  };

  for (const [key, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    const match = /^QRAFT_([A-Z0-9_]+)_(PORT|MEMORY|CPUS)$/.exec(key);
    if (!match || !nonEmpty(raw)) continue;
    const [, stem, kind] = match as unknown as [string, string, 'PORT' | 'MEMORY' | 'CPUS'];
    const service = SERVICES_BY_STEM.find((s) => stem === envStem(s) || stem.startsWith(`${envStem(s)}_`));
    // QRAFT_HTTP_PORT and the like configure a process, not the stack: a host port needs <SERVICE>_<PORT>.
    if (!service && kind === 'PORT' && !stem.includes('_')) continue;
    if (!service) {
      throw new ConfigError(
        key,
        `no service matches "${stem.toLowerCase()}"`,
        `the services are ${SERVICE_NAMES.join(', ')}; unset the variable or use e.g. ${portEnvName('clickhouse', 'http')}`,
      );
    }
    const rest = stem.slice(envStem(service).length + 1).toLowerCase();
    if (kind === 'PORT') {
      const port = SERVICE_CATALOG[service].ports.find((p) => p.name === rest);
      if (!port) {
        const known = SERVICE_CATALOG[service].ports.map((p) => portEnvName(service, p.name)).join(', ');
        throw new ConfigError(key, `${service} has no port "${rest}"`, `use one of ${known}`);
      }
      slot(service).hostPorts.set(port.name, { port: parsePort(key, raw), field: key });
    } else if (rest !== '') {
      throw new ConfigError(key, `unknown setting for ${service}`, `use ${kind === 'MEMORY' ? memoryEnvName(service) : `QRAFT_${envStem(service)}_CPUS`}`);
    } else if (kind === 'MEMORY') {
      slot(service).memory = { value: raw.trim(), field: key };
    } else {
      slot(service).cpus = { value: parseCpus(key, raw), field: key };
    }
  }

  for (const [name, override] of Object.entries(input.services ?? {})) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`services.${name}`, `"${name}" is not a service of the stack`, `use one of ${SERVICE_NAMES.join(', ')}`);
    }
    const service = name as ServiceName;
    const o = slot(service);
    for (const [portName, port] of Object.entries(override.hostPorts ?? {})) {
      const field = `services.${service}.hostPorts.${portName}`;
      if (!SERVICE_CATALOG[service].ports.some((p) => p.name === portName)) {
        throw new ConfigError(field, `${service} has no port "${portName}"`, `use one of ${SERVICE_CATALOG[service].ports.map((p) => p.name).join(', ')}`);
      }
      o.hostPorts.set(portName, { port: parsePort(field, String(port)), field });
    }
    if (override.memory !== undefined) o.memory = { value: override.memory, field: `services.${service}.memory` };
    if (override.cpus !== undefined) o.cpus = { value: parseCpus(`services.${service}.cpus`, String(override.cpus)), field: `services.${service}.cpus` };
  }

  for (const o of result.values()) {
    if (o.memory && !isMemory(o.memory.value)) {
      throw new ConfigError(o.memory.field, `memory "${o.memory.value}" is not a size`, 'write a number with a unit, e.g. "512m" or "2g"');
    }
  }
  return result;
}

function parsePort(field: string, raw: string): number {
  const port = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || port < 1 || port > 65_535) {
    throw new ConfigError(field, `"${raw}" is not a port`, 'write a whole number from 1 to 65535');
  }
  return port;
}

function parseCpus(field: string, raw: string): number {
  const cpus = Number(raw.trim());
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || cpus <= 0) {
    throw new ConfigError(field, `"${raw}" is not a CPU count`, 'write a positive number, e.g. "0.5" or "2"');
  }
  return cpus;
}

