import { rmSync } from 'node:fs';
import type { ServerProcess } from './server-process';
import { waitFor } from './wait-for';

/** What every real test server offers: stop it, kill it, bring it back on the same port and data. */
export abstract class TestServer implements AsyncDisposable {
  protected abstract readonly process: ServerProcess;
  protected abstract readonly dir: string;
  abstract readonly name: string;

  /** Resolves true once the server answers its own readiness endpoint. */
  abstract isReady(): Promise<boolean>;

  async start(timeoutMs = 30_000): Promise<this> {
    this.process.start();
    try {
      await waitFor(this.name, async () => {
        if (!this.process.running) throw new Error('exited');
        return this.isReady();
      }, timeoutMs);
    } catch (error) {
      await this.process.stop('SIGKILL');
      throw new Error(`${(error as Error).message}; it printed:\n${this.process.tail()}`, { cause: error });
    }
    return this;
  }

  /** Graceful stop (SIGTERM). */
  stop(): Promise<void> {
    return this.process.stop('SIGTERM');
  }

  /** Abrupt stop (SIGKILL), as a crash would. */
  kill(): Promise<void> {
    return this.process.stop('SIGKILL');
  }

  async restart(): Promise<this> {
    await this.stop();
    return this.start();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.process.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
