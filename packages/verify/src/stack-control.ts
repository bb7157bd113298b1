import { downStack, restartStack, upStack, type Progress, type StackHandle } from '@qraft/stack';
import type { StackControl } from './stack-context';

/**
 * The checks' control of the stack through @qraft/stack in-process: restart (all or some services) and re-create
 * (down keeping data, then up), each waiting until the readiness gate passes. `afterEach` runs after every action
 * (verify re-reads container logs from that moment on).
 */
export function stackControl(handle: StackHandle, timeoutMs: number, progress: Progress, afterEach: () => void = () => undefined): StackControl {
  return {
    restartAll: async () => {
      await restartStack(handle, { timeoutMs }, progress);
      afterEach();
    },
    restart: async (services) => {
      await restartStack(handle, { timeoutMs, services }, progress);
      afterEach();
    },
    recreate: async () => {
      await downStack(handle, progress);
      await upStack(handle, { timeoutMs }, progress);
      afterEach();
    },
  };
}
