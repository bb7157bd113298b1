import type { ServiceName, StackModel } from '@qraft/config';

/**
 * The order in which `up` has podman-compose create the available services when it starts each container as it is
 * created: the slowest dependant first (longest healthcheck start period, the catalog's own estimate of start-up),
 * each followed at once by what it depends on, then the rest in the file's order. The app's start-up (loading Node
 * and its modules) then overlaps the creation of NATS and ClickHouse, which it retries until they answer, and
 * nothing it needs waits behind a service it does not.
 */
export function creationOrder(model: StackModel): ServiceName[] {
  const available = Object.values(model.services).filter((s) => s.available);
  const order: ServiceName[] = [];
  const add = (name: ServiceName) => {
    if (!order.includes(name) && model.services[name]?.available) order.push(name);
  };
  const dependants = available.filter((s) => s.dependsOn.length > 0).sort((a, b) => b.healthcheck.startPeriodMs - a.healthcheck.startPeriodMs);
  for (const service of dependants) {
    add(service.name);
    service.dependsOn.forEach(add);
  }
  available.forEach((s) => add(s.name));
  return order;
}
