import { posix } from 'node:path';
import { Document } from 'yaml';
import { composeFilePath } from './compose-file-path';
import { NPROC_LIMIT } from './portability-rules';
import { DEFAULT_REGISTRY } from './service-catalog';
import { ENV, envStem } from './env-names';
import { headerLines } from './generated-header';
import { relativeTo } from './relative-path';
import type { ImageModel, ServiceModel, StackModel } from './stack-model';

export interface RenderComposeOptions {
  /** Repo-relative path the file is written to; relative paths inside are rendered from its directory. */
  readonly file?: string;
}

const seconds = (ms: number) => `${ms / 1000}s`;

/**
 * The Compose file of a stack. Host ports, memory, CPUs and the registry mirror are `${VAR:-default}`
 * interpolations, so the committed file is the same on every machine and the QRAFT_* variables that
 * loadStack validated take effect when compose runs with the same environment.
 */
export function renderCompose(model: StackModel, options: RenderComposeOptions = {}): string {
  const file = options.file ?? composeFilePath(model.variant, model.imageSet);
  const dir = posix.dirname(file);
  const rel = (p: string) => relativeTo(dir, p);
  const mirror = `\${${ENV.registryMirror}:-${model.registryMirror || DEFAULT_REGISTRY}}`;

  const services: Record<string, unknown> = {};
  for (const s of Object.values(model.services)) {
    if (s.available) services[s.name] = renderService(s, rel, mirror);
  }

  const doc = {
    name: model.project,
    services,
    networks: Object.fromEntries(
      Object.entries(model.networks).map(([name, n]) => [name, n.internal ? { internal: true } : { driver: 'bridge' }]),
    ),
    ...(model.secrets.some((s) => !s.hostOnly)
      ? { secrets: Object.fromEntries(model.secrets.filter((s) => !s.hostOnly).map((s) => [s.name, { file: rel(s.file) }])) }
      : {}),
  };

  const yaml = new Document(doc);
  yaml.commentBefore = headerLines(model, 'Compose file: works with docker compose v2 and podman-compose 1.0.3 (pass -p qraft to podman-compose).')
    .map((l) => ` ${l}`)
    .join('\n');
  return yaml.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}

function imageOf(image: ImageModel, mirror: string): string {
  if (!image.pulled) return image.reference;
  // reference is "<registry>/<path>"; the registry part becomes an interpolation.
  return `${mirror}/${image.reference.split('/').slice(1).join('/')}`;
}

function renderService(s: ServiceModel, rel: (p: string) => string, mirror: string): Record<string, unknown> {
  const stem = envStem(s.name);
  const out: Record<string, unknown> = {
    image: imageOf(s.image, mirror),
  };
  if (s.build) {
    out.build = {
      context: rel(s.build.context),
      dockerfile: s.build.dockerfile,
      args: { NODE_IMAGE: imageOf(s.build.baseImage, mirror) },
    };
  } else if (!s.image.pulled) {
    // Built on this host by the offline image build; a pull could only fail.
    out.pull_policy = 'never';
  }
  Object.assign(out, {
    container_name: s.containerName,
    ...(s.command ? { command: [...s.command] } : {}),
    user: `${s.user.uid}:${s.user.gid}`,
    init: true,
    restart: 'unless-stopped',
    ...(s.stopGracePeriodMs !== undefined ? { stop_grace_period: seconds(s.stopGracePeriodMs) } : {}),
    ...(s.readOnlyRootFs ? { read_only: true } : {}),
    ...(s.tmpfs.length > 0 ? { tmpfs: [...s.tmpfs] } : {}),
    ...(Object.keys(s.environment).length > 0 ? { environment: { ...s.environment } } : {}),
  });
  const ports = s.ports.filter((p) => p.host !== undefined).map((p) => `${p.hostIp}:\${${p.env}:-${p.host}}:${p.container}`);
  if (ports.length > 0) out.ports = ports;
  const volumes = [
    ...(s.config ? [`${rel(s.config.host)}:${s.config.container}:ro`] : []),
    ...(s.data ? [`${rel(s.data.host)}:${s.data.container}`] : []),
    ...(s.logs ? [`${rel(s.logs.host)}:${s.logs.container}`] : []),
  ];
  if (volumes.length > 0) out.volumes = volumes;
  if (s.secrets.length > 0) {
    out.secrets = s.secrets.map((sec) =>
      sec.target === `/run/secrets/${sec.name}` ? sec.name : { source: sec.name, target: sec.target },
    );
  }
  out.networks = [...s.networks];
  if (s.dependsOn.length > 0) {
    // podman-compose 1.0.3 ignores the conditions (only the order counts); @qraft/health gates readiness.
    out.depends_on = Object.fromEntries(s.dependsOn.map((d) => [d, { condition: 'service_healthy' }]));
  }
  out.healthcheck = {
    // CMD-SHELL: podman-compose 1.0.3 joins CMD arrays into a broken shell line.
    test: ['CMD-SHELL', s.healthcheck.command],
    interval: seconds(s.healthcheck.intervalMs),
    timeout: seconds(s.healthcheck.timeoutMs),
    retries: s.healthcheck.retries,
    start_period: seconds(s.healthcheck.startPeriodMs),
  };
  Object.assign(out, {
    cpus: `\${QRAFT_${stem}_CPUS:-${s.resources.cpus}}`,
    mem_limit: `\${${s.resources.memoryEnv}:-${s.resources.memory}}`,
    // podman-compose 1.0.3 ignores pids_limit; podman's own default (2048) applies there.
    pids_limit: s.resources.pids,
    ...(s.nofile ? { ulimits: { nofile: { soft: s.nofile, hard: s.nofile }, nproc: { soft: NPROC_LIMIT, hard: NPROC_LIMIT } } } : {}),
    security_opt: ['no-new-privileges:true'],
    cap_drop: ['ALL'],
    ...(s.capAdd.length > 0 ? { cap_add: [...s.capAdd] } : {}),
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
  });
  return out;
}
