import { NATS_ACCOUNTS, NATS_TOPOLOGY } from './accounts';
import { hashComment, headerLines } from './generated-header';
import type { StackModel } from './stack-model';

/** bcrypt hashes of the NATS passwords (see natsPasswordHashes), by identity. */
export interface NatsPasswordHashes {
  readonly app: string;
  readonly publisher: string;
  readonly monitor: string;
  readonly system: string;
}

interface Permissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

/**
 * What each identity may publish and subscribe to; everything else is refused by the server. The app gets
 * exactly the JetStream API calls nats-bus.ts makes, on its own streams and consumers — no delete, no purge.
 */
export function natsPermissions(): Readonly<Record<'app' | 'publisher' | 'monitor', Permissions>> {
  const { stream, deadLetterStream, consumers, subjects } = NATS_TOPOLOGY;
  const streamCalls = [stream, deadLetterStream].flatMap((s) => ['CREATE', 'UPDATE', 'INFO'].map((op) => `$JS.API.STREAM.${op}.${s}`));
  const consumerCalls = consumers.flatMap((c) => [
    // Servers from 2.9 take the filter subject in the create subject; older ones the DURABLE form.
    `$JS.API.CONSUMER.CREATE.${stream}.${c}`,
    `$JS.API.CONSUMER.CREATE.${stream}.${c}.>`,
    `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${c}`,
    `$JS.API.CONSUMER.INFO.${stream}.${c}`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.${c}`,
    `$JS.ACK.${stream}.${c}.>`,
  ]);
  return {
    app: {
      publish: [subjects.events, subjects.envelopes, subjects.deadLetters, '$JS.API.INFO', ...streamCalls, ...consumerCalls],
      subscribe: [`${NATS_ACCOUNTS.app.inboxPrefix}.>`],
    },
    // Acks of its publishes come back on its inbox; it may not touch the JetStream API at all.
    publisher: { publish: [subjects.events, subjects.envelopes], subscribe: [`${NATS_ACCOUNTS.publisher.inboxPrefix}.>`] },
    monitor: {
      publish: ['$JS.API.INFO', '$JS.API.STREAM.NAMES', '$JS.API.STREAM.LIST', '$JS.API.STREAM.INFO.*', '$JS.API.CONSUMER.NAMES.*', '$JS.API.CONSUMER.LIST.*', '$JS.API.CONSUMER.INFO.*.*'],
      subscribe: [`${NATS_ACCOUNTS.monitor.inboxPrefix}.>`],
    },
  };
}

const list = (subjects: readonly string[]) => `[${subjects.map((s) => JSON.stringify(s)).join(', ')}]`;
const user = (name: string, hash: string, permissions?: Permissions) =>
  `      { user: ${JSON.stringify(name)}, password: ${JSON.stringify(hash)}` +
  (permissions ? `,\n        permissions: {\n          publish: { allow: ${list(permissions.publish)} }\n          subscribe: { allow: ${list(permissions.subscribe)} }\n        } }` : ' }');

/**
 * nats-server accounts and users with bcrypt password hashes, included by nats-server.conf. It is derived from
 * per-machine secrets, so ensureSecrets writes it under secrets/ and never into committed configs/.
 */
export function renderNatsAccounts(model: StackModel, hashes: NatsPasswordHashes): string {
  const p = natsPermissions();
  const a = NATS_ACCOUNTS;
  return (
    hashComment(headerLines(model, 'nats-server accounts (bcrypt hashes of secrets/nats_*_password); included by nats-server.conf.')) +
    `
accounts {
  ${a.account}: {
    jetstream: enabled
    users: [
${user(a.app.user, hashes.app, p.app)}
${user(a.publisher.user, hashes.publisher, p.publisher)}
${user(a.monitor.user, hashes.monitor, p.monitor)}
    ]
  }
  ${a.systemAccount}: {
    users: [
${user(a.system.user, hashes.system)}
    ]
  }
}
system_account: ${a.systemAccount}
`
  );
}
