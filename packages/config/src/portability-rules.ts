import { isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { ComposeRule } from './compose-rule';

/** The VMs lack CAP_SYS_RESOURCE: a container asking for more open files than this does not start. */
export const MAX_NOFILE = 20_000;
/** nproc rendered beside every ulimits block (podman's containers.conf default; see podman/ulimits-nproc). */
export const NPROC_LIMIT = 32_768;

// A registry host has a dot or a port, or is localhost; an interpolated prefix is resolved by compose.
const QUALIFIED = /^(\$\{[^}]+\}|[^/]*[.:][^/]*|localhost)\//;

/**
 * Rules for what podman-compose 1.0.3 (Debian bookworm) and the CI machines get wrong. Each rule names
 * the portable form, which the renderer produces by default.
 */
export const PORTABILITY_RULES: readonly ComposeRule[] = [
  {
    id: 'podman/healthcheck-cmd-shell',
    why: 'podman-compose 1.0.3 turns a CMD array into `/bin/sh -c \'a\' \'b\'`, which runs only the first word',
    check(doc) {
      return Object.entries(doc.services ?? {}).flatMap(([name, s]) => {
        const test = s.healthcheck?.test;
        if (test === undefined || typeof test === 'string') return [];
        if (test[0] === 'CMD-SHELL' && test.length === 2) return [];
        if (test[0] === 'NONE') return [];
        return [`${name}: healthcheck test ${JSON.stringify(test)} — write it as ["CMD-SHELL", "one command line"]`];
      });
    },
  },
  {
    id: 'podman/secret-ownership',
    why: 'podman-compose 1.0.3 ignores uid, gid and mode of file secrets (it bind-mounts the file as it is)',
    check(doc) {
      return Object.entries(doc.services ?? {}).flatMap(([name, s]) =>
        (s.secrets ?? [])
          .filter((sec) => typeof sec === 'object' && (sec.uid !== undefined || sec.gid !== undefined || sec.mode !== undefined))
          .map((sec) =>
            `${name}: secret ${typeof sec === 'object' ? sec.source : sec} sets uid/gid/mode — drop them; ensureSecrets chowns the file to the reader's uid`,
          ),
      );
    },
  },
  {
    id: 'host/nofile-limit',
    why: `the VMs lack CAP_SYS_RESOURCE: ulimits nofile above ${MAX_NOFILE} fails to start the container (docker and podman)`,
    check(doc) {
      return Object.entries(doc.services ?? {}).flatMap(([name, s]) => {
        const nofile = s.ulimits?.nofile;
        const values = typeof nofile === 'number' ? [nofile] : nofile ? [nofile.soft, nofile.hard] : [];
        return values.some((v) => v !== undefined && Number(v) > MAX_NOFILE)
          ? [`${name}: ulimits nofile ${JSON.stringify(nofile)} — keep it at or below ${MAX_NOFILE}`]
          : [];
      });
    },
  },
  {
    id: 'podman/ulimits-nproc',
    why: 'podman drops containers.conf default_ulimits once a container sets any --ulimit, then fails to set nproc without CAP_SYS_RESOURCE ("error setting rlimit type 6"): every ulimits block must set nproc too',
    check(doc) {
      return Object.entries(doc.services ?? {}).flatMap(([name, s]) =>
        s.ulimits && s.ulimits['nproc'] === undefined
          ? [`${name}: ulimits without nproc — add nproc: {soft: ${NPROC_LIMIT}, hard: ${NPROC_LIMIT}} (podman cannot start it otherwise)`]
          : [],
      );
    },
  },
  {
    id: 'podman/qualified-image',
    why: 'podman has no default search registry: a short name like "nats:2" is refused unless registries.conf adds one',
    check(doc) {
      return Object.entries(doc.services ?? {}).flatMap(([name, s]) => {
        // Images built on this host (pull_policy never, or a build section) are found locally by either engine.
        if (!s.image || s.build !== undefined || s.pull_policy === 'never') return [];
        return QUALIFIED.test(s.image) ? [] : [`${name}: image "${s.image}" — write the registry too, e.g. "docker.io/library/${s.image}"`];
      });
    },
  },
  {
    id: 'podman/service-networks-list',
    why: 'podman-compose 1.0.3 reads only the names of service networks: aliases, ipv4_address and priority are dropped',
    check(doc) {
      return Object.entries(doc.services ?? {}).flatMap(([name, s]) =>
        s.networks && !Array.isArray(s.networks) && Object.values(s.networks).some((v) => v !== null && v !== undefined && Object.keys(v as object).length > 0)
          ? [`${name}: networks with per-network options — list network names only`]
          : [],
      );
    },
  },
  {
    id: 'podman/yaml-1.1-scalars',
    why: 'podman-compose reads YAML 1.1 (PyYAML): plain yes/no/on/off become booleans and 1:30-style values base-60 numbers',
    check(_doc, { text }) {
      const found: string[] = [];
      const visit = (node: Node | null | undefined, path: string) => {
        if (!node) return;
        if (isMap(node)) {
          for (const pair of node.items) {
            if (!isPair(pair)) continue;
            const key = isScalar(pair.key) ? String(pair.key.value) : '?';
            visit(pair.value as Node, `${path}.${key}`);
          }
        } else if (isSeq(node)) {
          node.items.forEach((item, i) => visit(item as Node, `${path}[${i}]`));
        } else if (isScalar(node) && node.type === 'PLAIN' && typeof node.value === 'string') {
          if (/^(y|n|yes|no|on|off)$/i.test(node.value) || /^[-+]?\d+(:[0-5]?\d)+$/.test(node.value)) found.push(`${path.slice(1)} = ${node.value}`);
        }
      };
      visit(parseDocument(text).contents as Node, '');
      return found.map((f) => `${f} is read differently by YAML 1.1 — quote it`);
    },
  },
];
