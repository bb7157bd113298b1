import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { requireBinary, ServerProcess } from './server-process';
import { TestServer } from './test-server';
import { httpOk } from './wait-for';

export interface NatsServerOptions {
  /** JetStream on (default true). */
  readonly jetstream?: boolean;
  /** When set, clients must present this user and password. */
  readonly auth?: { readonly user: string; readonly password: string };
  /**
   * nats-server `accounts { … }` configuration (e.g. the stack's, from @qraft/config's renderNatsAccounts), in a
   * file of its own that the server config includes — as the stack's nats-server.conf does. Replaces `auth`.
   */
  readonly accounts?: string;
  /** JetStream's store_dir (default: one of its own, removed with the server); give one to reuse a store across servers. */
  readonly storeDir?: string;
}

/** A real nats-server on free loopback ports with its own JetStream store. */
export class NatsTestServer extends TestServer {
  readonly name = 'nats-server';
  protected readonly process: ServerProcess;
  protected readonly dir: string;

  private constructor(
    readonly port: number,
    readonly monitorPort: number,
    options: NatsServerOptions,
  ) {
    super();
    this.dir = mkdtempSync(join(tmpdir(), 'qraft-nats-'));
    const auth = options.auth
      ? `authorization { user: "${options.auth.user}", password: "${options.auth.password}" }\n`
      : '';
    const js = options.jetstream === false ? '' : `jetstream { store_dir: "${options.storeDir ?? join(this.dir, 'js')}" }\n`;
    if (options.accounts !== undefined) writeFileSync(join(this.dir, 'accounts.conf'), options.accounts, { mode: 0o600 });
    const accounts = options.accounts === undefined ? '' : 'include "accounts.conf"\n';
    writeFileSync(
      join(this.dir, 'nats.conf'),
      `listen: 127.0.0.1:${port}\nhttp: 127.0.0.1:${monitorPort}\n${js}${accounts || auth}`,
    );
    this.process = new ServerProcess(this.name, requireBinary('nats-server'), ['-c', join(this.dir, 'nats.conf')], this.dir);
  }

  static async create(options: NatsServerOptions = {}): Promise<NatsTestServer> {
    return new NatsTestServer(await freePort(), await freePort(), options);
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get monitorUrl(): string {
    return `http://127.0.0.1:${this.monitorPort}`;
  }

  isReady(): Promise<boolean> {
    return httpOk(`${this.monitorUrl}/healthz`);
  }
}

/** Starts a real NATS server (JetStream on) and waits until it answers /healthz. */
export async function startNats(options: NatsServerOptions = {}): Promise<NatsTestServer> {
  return (await NatsTestServer.create(options)).start();
}
