import { loadStack } from '@qraft/config';

/** Host ports the chosen variant publishes, with the variable that moves each one. */
export function hostPorts(env: Readonly<Record<string, string | undefined>> = {}): Array<{ port: number; name: string; env: string }> {
  const model = loadStack({ env });
  return Object.values(model.services)
    .filter((s) => s.available)
    .flatMap((s) => s.ports.filter((p) => p.host !== undefined).map((p) => ({ port: p.host!, name: `${s.name} ${p.name}`, env: p.env })));
}
