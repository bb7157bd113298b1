import { ProbeFailure, type ProbeOptions, type ProbeResult } from './probe-result';
import { parseUrl, runProbe } from './run-probe';

export interface NatsProbeOptions extends ProbeOptions {
  /** `nats://host:4222` */
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  /** The client's reply subjects start with this (a user whose permissions allow only its own inbox needs it). */
  readonly inboxPrefix?: string;
  /** When set, the stream must exist, else the result is `degraded`. */
  readonly stream?: string;
}

/**
 * Connects (no reconnects), measures a round trip, asks JetStream for the account info and,
 * optionally, for a stream. The NATS client is loaded on first use so an HTTP-only caller
 * (the image HEALTHCHECK) never pays for it.
 */
export function probeNats(options: NatsProbeOptions): Promise<ProbeResult> {
  return runProbe('nats', options.url, options, async ({ signal, timeoutMs }) => {
    const url = parseUrl(options.url, ['nats:', 'tls:'], 'nats');
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const connecting = connect({
      servers: url.host,
      user: options.user,
      pass: options.password,
      ...(options.inboxPrefix !== undefined ? { inboxPrefix: options.inboxPrefix } : {}),
      timeout: timeoutMs,
      reconnect: false,
      maxReconnectAttempts: 0,
      ignoreAuthErrorAbort: false,
    });
    // If the caller gives up while connect() is still pending, close whatever it yields later.
    const onAbort = () => void connecting.then((nc) => nc.close()).catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    const nc = await connecting.catch((error: unknown) => {
      throw natsConnectFailure(error, options);
    });
    try {
      const rttMs = await nc.rtt();
      const jsm = await jetstreamManager(nc, { timeout: timeoutMs }).catch((error: unknown) => {
        if ((error as Error).name === 'JetStreamNotEnabled') {
          throw new ProbeFailure(
            'degraded',
            `nats at ${options.url} is up but JetStream is not enabled — start nats-server with -js (or a jetstream {} block)`,
            `connected, rtt ${rttMs} ms, JetStream off`,
          );
        }
        throw error;
      });
      const account = await jsm.getAccountInfo();
      let detail = `rtt ${rttMs} ms, JetStream on (${account.streams} streams)`;
      if (options.stream) {
        try {
          const info = await jsm.streams.info(options.stream);
          detail += `, stream "${options.stream}" present (${info.state.messages} messages)`;
        } catch (error) {
          if ((error as Error).name !== 'StreamNotFoundError') throw error;
          throw new ProbeFailure(
            'degraded',
            `nats at ${options.url}: stream "${options.stream}" does not exist — create it (the app does on start) or check the stream name`,
            `${detail}, stream "${options.stream}" missing`,
          );
        }
      }
      return detail;
    } catch (error) {
      throw natsPermissionFailure(error, options);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await nc.close().catch(() => undefined);
    }
  });
}

/** A permissions refusal, said with what the caller can change; anything else as it was. */
function natsPermissionFailure(error: unknown, options: NatsProbeOptions): unknown {
  const message = (error as Error)?.message ?? '';
  if (!/Permissions Violation/.test(message)) return error;
  const who = options.user ? `user "${options.user}"` : 'an anonymous client';
  const fix = /Subscription to/.test(message)
    ? 'it may subscribe only to its own inbox: pass its prefix (--inbox-prefix or QRAFT_NATS_INBOX_PREFIX, e.g. _INBOX_qraft_monitor)'
    : 'use a user allowed to read JetStream info (the stack\'s qraft_monitor)';
  return new ProbeFailure('down', `nats at ${options.url} refused ${who}: ${message} — ${fix}`, 'permission refused');
}

function natsConnectFailure(error: unknown, options: NatsProbeOptions): unknown {
  const name = (error as Error)?.name;
  if (name === 'AuthorizationError' || /authorization/i.test((error as Error)?.message ?? '')) {
    const who = options.user ? `user "${options.user}"` : 'an anonymous client';
    return new ProbeFailure(
      'down',
      `nats at ${options.url} refused ${who} (Authorization Violation) — check QRAFT_NATS_USER and QRAFT_NATS_PASSWORD_FILE`,
      'authorization refused',
    );
  }
  // The NATS client wraps socket errors ("connection refused") with the socket error as cause.
  return error;
}
