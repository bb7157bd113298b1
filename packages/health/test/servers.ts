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
