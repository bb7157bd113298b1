import { runCommand } from './run-command';

export interface HealthcheckDriver {
  /** Stops the loop and waits for the round in flight. */
  readonly stop: () => Promise<void>;
}

/**
 * Podman schedules healthchecks with systemd timers; without systemd (containers, CI VMs) they never run
 * and every container stays `starting`. podman-compose 1.3 honours `depends_on: condition: service_healthy`
 * with `podman wait --condition=healthy`, so `up -d` would wait forever. While compose brings the project up,
 * this runs each still-starting container's own healthcheck (`podman healthcheck run`) once per interval —
 * what the systemd timer would have done — so the conditions are honoured, not skipped.
 */
export function driveHealthchecks(project: string, intervalMs = 1_000): HealthcheckDriver {
  let running = true;
  let wake: () => void = () => undefined;
  const loop = (async () => {
    while (running) {
      const starting = await runCommand('podman', ['ps', '-q', '--filter', `label=io.podman.compose.project=${project}`, '--filter', 'health=starting']);
      const ids = starting.ok ? starting.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '') : [];
      // A failing check is the container's business (start_period, retries); this only triggers it.
      await Promise.all(ids.map((id) => runCommand('podman', ['healthcheck', 'run', id], 30_000)));
      // A referenced timer that stop() cuts short: an unref'd one let node exit (code 0) while stop() awaited it.
      if (running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      wake();
      await loop;
    },
  };
}
