import { readFileSync, writeFileSync } from 'node:fs';
import { runCommand } from './run-command';

/**
 * Puts `first` at the top of a resolv.conf's nameservers, keeping the others in order.
 * Pure, so the rule is tested without an engine.
 */
export function preferNameserver(resolvConf: string, first: string): string {
  const lines = resolvConf.split('\n');
  const isFirst = (l: string) => l.trim() === `nameserver ${first}`;
  if (!lines.some(isFirst)) return resolvConf;
  const at = lines.findIndex((l) => l.trim().startsWith('nameserver '));
  const rest = lines.filter((l) => !isFirst(l));
  rest.splice(at, 0, `nameserver ${first}`);
  return rest.join('\n');
}

/** Whether Podman's network backend is CNI (whose dnsname plugin needs the repair below), not netavark. */
export async function usesCniDnsname(): Promise<boolean> {
  const backend = await runCommand('podman', ['info', '--format', '{{.Host.NetworkBackend}}']);
  return backend.ok && backend.stdout.trim() === 'cni';
}

/**
 * Podman 4.3 with CNI dnsname gives a container on two networks one dnsmasq per network, listed in
 * resolv.conf in no fixed order; each answers NXDOMAIN for the other network's names and the resolver
 * stops at the first answer. So the app sometimes cannot resolve `nats` ("host name does not resolve").
 * Every container that joins `preferred` needs its names (the app, Prometheus and Grafana all reach
 * backend services), so its dnsmasq goes first. Rewrites the engine's own resolv.conf on the host; returns
 * the containers it changed.
 */
export async function preferNetworkDns(containers: readonly string[], preferred: string): Promise<string[]> {
  const gateway = await runCommand('podman', ['network', 'inspect', preferred, '--format', '{{range .Subnets}}{{.Gateway}}{{end}}']);
  if (!gateway.ok || gateway.stdout.trim() === '') return [];
  const changed: string[] = [];
  for (const name of containers) {
    const path = await runCommand('podman', ['inspect', name, '--format', '{{.ResolvConfPath}}']);
    if (!path.ok || path.stdout.trim() === '') continue;
    const file = path.stdout.trim();
    const before = readFileSync(file, 'utf8');
    const after = preferNameserver(before, gateway.stdout.trim());
    if (after !== before) {
      writeFileSync(file, after);
      changed.push(name);
    }
  }
  return changed;
}
