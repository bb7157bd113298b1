import { missingServers } from '@qraft/testkit';

/** describe, or describe.skip with a printed reason when this host lacks the real servers. */
export function describeWithServers(): jest.Describe {
  const missing = missingServers();
  if (missing.length === 0) return describe;
  console.warn(`SKIPPED real-server tests: ${missing.join('; ')}`);
  return describe.skip;
}

/** Collects every state a watcher reports, per check, for assertions on what a user would see. */
export function progressLog(): { states: Map<string, string[]>; onProgress: (name: string, r: { state: string; error?: string }) => void; errors: string[] } {
  const states = new Map<string, string[]>();
  const errors: string[] = [];
  return {
    states,
    errors,
    onProgress: (name, r) => {
      const list = states.get(name) ?? [];
      if (list.at(-1) !== r.state) list.push(r.state);
      states.set(name, list);
      if (r.error) errors.push(r.error);
    },
  };
}
