import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import type { NatsAccount } from '@qraft/config';

/**
 * Connects to the stack's NATS as one of its identities, as a real client would: its user and password and the
 * inbox its permissions allow. Without the account (no secrets/ yet) it says what to run instead of trying
 * anonymously, which the stack refuses.
 */
export function connectAs(
  url: string,
  account: NatsAccount | undefined,
  identity: 'publisher' | 'monitor',
  options: Partial<ConnectionOptions> = {},
): Promise<NatsConnection> {
  if (!account) {
    return Promise.reject(
      new Error(`no NATS ${identity} credentials: secrets/nats_${identity}_password is missing — \`pnpm nx run infra:up\` generates the stack's credentials`),
    );
  }
  return connect({ servers: url, user: account.user, pass: account.password, inboxPrefix: account.inboxPrefix, timeout: 5_000, ...options });
}
