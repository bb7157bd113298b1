import { composeStream } from './compose';
import type { ComposeUpCall } from './compose-up-calls';
import { documentTarget } from './document-target';
import type { StackHandle } from './open-stack';
import type { Progress } from './progress';
import { startAsCreated } from './start-as-created';
import { withOverride } from './with-override';

/**
 * Runs `up`'s compose calls one after the other. Containers of a call that only creates them (`startsCreated`) are
 * started as compose prints their IDs. Throws naming the call that failed, or every container that did not start.
 */
export async function runUpCalls(handle: StackHandle, calls: readonly ComposeUpCall[], progress: Progress): Promise<void> {
  const { model, target } = handle;
  const compose = target.runtime.compose.command.join(' ');
  const containerNames = Object.values(model.services).filter((s) => s.available).map((s) => s.containerName);
  const starter = calls.some((c) => c.startsCreated) ? startAsCreated(handle.docker, containerNames) : undefined;
  for (const call of calls) {
    const files = `${call.document ? '-f - ' : ''}${call.override ? `-f ${call.override.name} ` : ''}`;
    const done = progress.step(`${compose} ${files}${call.args.join(' ')}${call.startsCreated ? ' (each container started as it is created)' : ''}`);
    const result = await withOverride(call.document ? documentTarget(target, call.document) : target, call.override, (t) => {
      const start = () =>
        composeStream(t, call.args, (line) => progress.line(`  ${call.startsCreated && starter ? starter.onLine(line) : line}`));
      return call.skipsEngineHealth ? start() : handle.runtime.engine.whileStarting(model, start);
    });
    if (!result.ok) {
      done('failed');
      throw new Error(`compose up failed (exit ${result.exitCode}${result.error ? `, ${result.error}` : ''}):\n${result.tail.slice(-15).join('\n')}`);
    }
    done();
  }
  if (starter) {
    const done = progress.step(`starting the created containers (${containerNames.join(', ')})`);
    await starter.finish().catch((error: unknown) => {
      done('failed');
      throw error;
    });
    done();
  }
}
