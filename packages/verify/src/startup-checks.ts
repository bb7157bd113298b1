import { readContainerLogs } from '@qraft/stack';
import { findErrorLines } from './error-lines';
import { skip } from './outcome';
import { pollUntil } from '@qraft/retry';
import type { StackContext, StackService } from './stack-context';
import type { VerifyCheck } from './verify-check';

function unavailable(service: StackService): never {
  return skip(`${service.name} is not part of this stack: ${service.note ?? 'no image in this image set'}`);
}

/** Every container running, not restarted, not OOM-killed, and (Docker) its own healthcheck passing. */
export function containerRunningCheck(service: StackService): VerifyCheck<StackContext> {
  return {
    group: 'startup',
    name: `${service.name} container runs with 0 restarts`,
    run: async ({ docker, engine }) => {
      if (!service.available) unavailable(service);
      // Docker's own healthcheck may still be in its first interval: wait for it to leave "starting".
      const info = await pollUntil(
        `${service.containerName} healthcheck to leave "starting"`,
        async () => {
          const i = await docker.getContainer(service.containerName).inspect();
          return engine === 'docker' && i.State.Running && i.State.Health?.Status === 'starting' ? undefined : i;
        },
        90_000,
      );
      const state = info.State;
      if (!state.Running) throw new Error(`${service.containerName} is ${state.Status} (exit ${state.ExitCode}) — see \`nx run infra:logs\``);
      if (state.OOMKilled) throw new Error(`${service.containerName} was OOM-killed — raise its memory limit in the stack model`);
      if (info.RestartCount !== 0) throw new Error(`${service.containerName} restarted ${info.RestartCount} times since it was created`);
      const health = state.Health?.Status;
      // Podman without systemd never runs healthchecks, so its state stays "starting": readiness comes from direct probes.
      if (engine === 'docker' && health !== undefined && health !== 'healthy') {
        throw new Error(`${service.containerName} healthcheck is ${health}: ${state.Health?.Log?.at(-1)?.Output?.trim() ?? ''}`);
      }
      return `running, restarts 0${health ? `, health ${health}` : ''}`;
    },
  };
}

/** No error-level line in a container's log since the stack started. */
export function noErrorLogsCheck(service: StackService): VerifyCheck<StackContext> {
  return {
    group: 'startup',
    name: `${service.name} logs have no error-level lines since start`,
    run: async ({ docker, startedAt }) => {
      if (!service.available) unavailable(service);
      const errors = findErrorLines(await readContainerLogs(docker, service.containerName, startedAt));
      if (errors.length > 0) throw new Error(`${errors.length} error line(s), first: ${errors[0]!.slice(0, 300)}`);
      return 'no error-level lines';
    },
  };
}

/** One skipped entry per service the image set leaves out, with the reason — never a silent gap. */
export function omittedServiceCheck(service: StackService): VerifyCheck<StackContext> {
  return {
    group: 'startup',
    name: `${service.name}: every check`,
    run: async () => unavailable(service),
  };
}

export function startupChecks(services: readonly StackService[]): Array<VerifyCheck<StackContext>> {
  return services.flatMap((s) => (s.available ? [containerRunningCheck(s), noErrorLogsCheck(s)] : [omittedServiceCheck(s)]));
}
