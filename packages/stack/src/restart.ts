import { composeStream } from './compose';
import type { StackHandle } from './open-stack';
import { createProgress, type Progress } from './progress';
import { waitReady, type UpResult } from './up';

/** Restarts every container of the stack (data and containers kept), then waits until all are ready again. */
export async function restartStack(handle: StackHandle, options: { readonly timeoutMs: number }, progress: Progress = createProgress()): Promise<UpResult> {
  const done = progress.step(`${handle.target.runtime.compose.command.join(' ')} restart`);
  const result = await handle.runtime.engine.whileStarting(handle.model, () => composeStream(handle.target, ['restart'], (line) => progress.line(`  ${line}`)));
  if (!result.ok) {
    done('failed');
    throw new Error(`compose restart failed (exit ${result.exitCode}):\n${result.tail.slice(-15).join('\n')}`);
  }
  done();
  const startedAt = new Date();
  for (const line of await handle.runtime.engine.afterStart(handle.model)) progress.line(line);
  return { handle, report: await waitReady(handle, options.timeoutMs, progress), startedAt };
}
