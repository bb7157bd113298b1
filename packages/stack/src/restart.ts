import { composeStream } from './compose';
import type { StackHandle } from './open-stack';
import { createProgress, type Progress } from './progress';
import { stopTimeoutArgs } from './stop-timeout';
import { waitReady, type UpResult } from './up';

export interface RestartOptions {
  readonly timeoutMs: number;
  /** Restart only these services (compose service names); absent: every container of the stack. */
  readonly services?: readonly string[];
}

/** Restarts the stack's containers (data and containers kept), then waits until every service is ready again. */
export async function restartStack(handle: StackHandle, options: RestartOptions, progress: Progress = createProgress()): Promise<UpResult> {
  const args = ['restart', ...stopTimeoutArgs(handle.model, handle.target.runtime.compose), ...(options.services ?? [])];
  const done = progress.step(`${handle.target.runtime.compose.command.join(' ')} ${args.join(' ')}`);
  const result = await handle.runtime.engine.whileStarting(handle.model, () => composeStream(handle.target, args, (line) => progress.line(`  ${line}`)));
  if (!result.ok) {
    done('failed');
    throw new Error(`compose restart failed (exit ${result.exitCode}):\n${result.tail.slice(-15).join('\n')}`);
  }
  done();
  const startedAt = new Date();
  for (const line of await handle.runtime.engine.afterStart(handle.model)) progress.line(line);
  return { handle, report: await waitReady(handle, options.timeoutMs, progress), startedAt };
}
