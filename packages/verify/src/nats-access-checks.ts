import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NATS_ACCOUNTS, NATS_TOPOLOGY } from '@qraft/config';
import { probeApp, probeNats } from '@qraft/health';
import { connectAs } from './nats-client';
import { skip } from './outcome';
import type { StackContext } from './stack-context';
import type { VerifyCheck } from './verify-check';

/** What qraft-health's NATS probe says of a client with these credentials: the error a user sees, or "up". */
const probeOutcome = async (url: string, user?: string, password?: string) => (await probeNats({ url, user, password, timeoutMs: 5_000 })).error ?? 'up';

const refusal = (attempt: Promise<unknown>) => attempt.then(() => 'allowed', (error: unknown) => (error as Error).message);

/** Clients without credentials, with a wrong password or with a made-up user are refused at connect. */
export const natsRefusesStrangers: VerifyCheck<StackContext> = {
  group: 'nats access',
  name: 'NATS refuses a client without credentials, with a wrong password and with a made-up user',
  run: async ({ endpoints }) => {
    if (!endpoints.nats) skip('NATS is not published in this variant (prod keeps the backend private)');
    const outcomes = {
      'no credentials': await probeOutcome(endpoints.nats),
      'wrong password': await probeOutcome(endpoints.nats, NATS_ACCOUNTS.publisher.user, 'not-the-password'),
      'made-up user': await probeOutcome(endpoints.nats, 'admin', 'admin'),
    };
    const letIn = Object.entries(outcomes).filter(([, outcome]) => !/Authorization Violation/.test(outcome));
    if (letIn.length > 0) throw new Error(`NATS answered ${letIn.map(([who, outcome]) => `${who}: ${outcome}`).join('; ')} (want Authorization Violation)`);
    return Object.entries(outcomes).map(([who, outcome]) => `${who}: ${outcome}`).join('; ');
  },
};

/**
 * The publisher may send events but not delete or purge the stream, delete the app's consumer, read the app's
 * inbox or forge dead letters; the stream and its consumers are all still there afterwards, the app ready.
 */
export const publisherCannotAdminister: VerifyCheck<StackContext> = {
  group: 'nats access',
  name: "the publisher cannot delete or purge the stream, delete the consumer or read the app's inbox; nothing stored is lost",
  run: async ({ endpoints, natsPublisher, natsMonitor }) => {
    if (!endpoints.nats) skip('NATS is not published in this variant (prod keeps the backend private)');
    const { stream, consumers } = NATS_TOPOLOGY;
    const monitor = await connectAs(endpoints.nats, natsMonitor, 'monitor');
    const publisher = await connectAs(endpoints.nats, natsPublisher, 'publisher', { reconnect: false });
    try {
      const monitorJsm = await jetstreamManager(monitor);
      const before = (await monitorJsm.streams.info(stream)).state;
      const jsm = await jetstreamManager(publisher, { checkAPI: false });
      const inboxError = new Promise<string>((resolve) => {
        publisher.subscribe(`${NATS_ACCOUNTS.app.inboxPrefix}.>`, {
          callback: (error) => {
            if (error) resolve(error.message);
          },
        });
      });
      const attempts: Record<string, string> = {
        'delete the stream': await refusal(jsm.streams.delete(stream)),
        'purge the stream': await refusal(jsm.streams.purge(stream)),
        'delete the consumer': await refusal(jsm.consumers.delete(stream, consumers[0])),
        'read a stored message': await refusal(jsm.streams.getMessage(stream, { seq: Math.max(before.first_seq, 1) })),
        'forge a dead letter': await refusal(jetstream(publisher).publish('qraft.deadletter.invalid_event', '{}', { timeout: 5_000 })),
        "subscribe to the app's inbox": await Promise.race([inboxError, new Promise<string>((r) => setTimeout(() => r('allowed'), 5_000).unref())]),
      };
      const allowed = Object.entries(attempts).filter(([, outcome]) => !/Permissions Violation/.test(outcome));
      if (allowed.length > 0) throw new Error(`the publisher could ${allowed.map(([what, outcome]) => `${what} (${outcome})`).join('; ')}`);

      const after = (await monitorJsm.streams.info(stream)).state;
      if (after.first_seq !== before.first_seq || after.messages < before.messages) {
        throw new Error(`${stream} lost messages: ${before.messages} (from sequence ${before.first_seq}) before, ${after.messages} (from ${after.first_seq}) after`);
      }
      for (const name of consumers) await monitorJsm.consumers.info(stream, name);
      if (endpoints.app) {
        const ready = await probeApp({ url: endpoints.app });
        if (!ready.ok) throw new Error(`the app is not ready afterwards: ${ready.error ?? ready.detail}`);
      }
      return `${Object.keys(attempts).length} attempts refused (e.g. ${attempts['delete the stream']}); ${stream} holds ${after.messages} messages (${before.messages} before), consumers ${consumers.join(', ')} present`;
    } finally {
      await publisher.close().catch(() => undefined);
      await monitor.close().catch(() => undefined);
    }
  },
};

export const natsAccessChecks: ReadonlyArray<VerifyCheck<StackContext>> = [natsRefusesStrangers, publisherCannotAdminister];
