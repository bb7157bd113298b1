import type { ServiceName, StackModel } from './stack-model';

/** Services the image set cannot run, each with the reason; rendered into file headers too. */
export function omittedServices(model: StackModel): Array<{ service: ServiceName; note: string }> {
  return Object.values(model.services)
    .filter((s) => !s.available)
    .map((s) => ({ service: s.name, note: s.note ?? `${s.name} is not available in the ${model.imageSet} image set` }));
}
