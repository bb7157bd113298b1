import type { StackModel } from '@qraft/config';
import type { EngineAdapter } from './engine-adapter';
import { preferNetworkDns, usesCniDnsname } from './podman-dns';
import { driveHealthchecks } from './podman-healthchecks';
import { runCommand } from './run-command';

/** The compose networks of the project, as compose names them. */
export function projectNetworks(model: StackModel): string[] {
  return Object.keys(model.networks).map((n) => `${model.project}_${n}`);
}

export function podmanAdapter(socketPath: string): EngineAdapter {
  return {
    name: 'podman',
    socketPath,
    whileStarting: async (model, start) => {
      const driver = driveHealthchecks(model.project);
      try {
        return await start();
      } finally {
        await driver.stop();
      }
    },
    afterStart: async (model) => {
      // Only CNI's dnsname plugin lists one resolver per network in random order; netavark's aardvark-dns
      // answers for every network the container joins, so there is nothing to repair there.
      if (!(await usesCniDnsname())) return [];
      const multi = Object.values(model.services).filter((s) => s.available && s.networks.length > 1).map((s) => s.containerName);
      const changed = await preferNetworkDns(multi, `${model.project}_backend`);
      return changed.length > 0 ? [`podman DNS: backend's resolver first for ${changed.join(', ')} (see docs/docker-and-podman.md)`] : [];
    },
    afterDown: async (model) => {
      // podman-compose 1.0.3 leaves the project's networks behind. We keep a network only if it has DNS:
      // removing and re-creating one under the same name can leave the CNI dnsname plugin's dnsmasq bound
      // to the deleted bridge (containers then cannot resolve each other), while a network created before
      // the plugin was installed never gets DNS.
      const lines: string[] = [];
      for (const name of projectNetworks(model)) {
        const dns = await runCommand('podman', ['network', 'inspect', name, '--format', '{{.DNSEnabled}}']);
        if (!dns.ok || dns.stdout.trim() === 'true') continue;
        const removed = await runCommand('podman', ['network', 'rm', name]);
        lines.push(`${removed.ok ? 'removed' : 'could not remove'} network ${name} (it has no DNS)`);
      }
      return lines;
    },
  };
}
