import { probeClickHouse, runChecks, type Check, type HealthReport } from '@qraft/health';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { AppConfig } from './config';
import { createClickHouseClient, EventStore } from './event-store';
import type { GracefulHttpServer } from './graceful-http-server';
import { buildHttpServer } from './http-server';
import { EnvelopeDecoder } from './envelope-decoder';
import { Ingestor } from './ingestor';
import { AppMetrics } from './metrics';
import { migrate, missingTables } from './migrations';
import { ENVELOPE_CONSUMER_SUFFIX, NatsBus } from './nats-bus';
import { appCheck } from './readiness';
import { retryUntilDone } from './retry';
import { logsAttempt, STARTUP_RETRY, startupAttemptTimeoutMs } from './startup-attempts';

const CLICKHOUSE_WATCH_MS = 5_000;
const READY_PROBE_TIMEOUT_MS = 3_000;

/**
 * The whole service. `start()` serves HTTP at once and connects to NATS and ClickHouse in the background,
 * retrying until each is there, so it starts in any order relative to them; /readyz says what it still waits for.
 */
export class QraftApp {
  readonly metrics = new AppMetrics();
  readonly store: EventStore;
  readonly http: GracefulHttpServer;
  private bus: NatsBus | undefined;
  private ingestor: Ingestor | undefined;
  private decoder: EnvelopeDecoder | undefined;
  private schemaReady = false;
  private natsStatus = 'connecting to NATS';
  private clickhouseStatus = 'connecting to ClickHouse';
  private readonly abort = new AbortController();
  private background: Promise<void> | undefined;
  private watch: NodeJS.Timeout | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    readonly config: AppConfig,
    private readonly logger: Logger,
  ) {
    this.store = new EventStore(
      createClickHouseClient({ url: config.clickhouseUrl, user: config.clickhouseUser, password: config.clickhousePassword }),
      config.clickhouseDatabase,
    );
    this.http = buildHttpServer({
      logger,
      metrics: this.metrics,
      store: this.store,
      bus: () => (this.bus?.connected ? this.bus : undefined),
      readiness: (waitMs) => this.readiness(waitMs),
      bodyLimitBytes: config.httpBodyLimitBytes,
      eventMaxBytes: config.eventMaxBytes,
      publishBatchMax: config.publishBatchMax,
      envelopeMaxEvents: config.envelopeMaxEvents,
      envelopeMaxBytes: config.envelopeMaxBytes,
      queryMaxLimit: config.queryMaxLimit,
      queryMaxRangeMs: config.queryMaxRangeMs,
    });
  }

  /** Listens on HTTP and starts connecting; resolves once HTTP is up (not when ready). Returns the base URL. */
  async start(): Promise<string> {
    const address = await this.http.listen(this.config.httpHost, this.config.httpPort);
    this.logger.info({ address }, 'HTTP listening');
    const c = this.config;
    this.decoder = new EnvelopeDecoder({ workers: c.decodeWorkers, limits: { maxEvents: c.envelopeMaxEvents, maxBytes: c.envelopeMaxBytes, eventMaxBytes: c.eventMaxBytes } });
    this.background = Promise.all([this.connectNats(), this.prepareClickHouse(), this.decoder.ready()]).then(
      () => {
        if (this.abort.signal.aborted) return;
        this.ingestor = new Ingestor({
          bus: this.bus!,
          store: this.store,
          metrics: this.metrics,
          logger: this.logger.child({ component: 'ingestor' }),
          batchMaxSize: this.config.batchMaxSize,
          batchBacklogMaxSize: this.config.batchBacklogMaxSize,
          batchMaxBytes: this.config.batchMaxBytes,
          batchMaxWaitMs: this.config.batchMaxWaitMs,
          eventMaxBytes: this.config.eventMaxBytes,
          envelopeMaxEvents: this.config.envelopeMaxEvents,
          envelopeMaxBytes: this.config.envelopeMaxBytes,
          ackWaitMs: this.config.ackWaitMs,
          decoder: this.decoder!,
        });
        this.ingestor.start();
        this.logger.info('ingest running; app ready');
      },
      (error) => {
        if (!this.abort.signal.aborted) this.logger.error({ err: error }, 'start-up failed');
      },
    );
    this.watch = setInterval(() => void this.pingClickHouse(), CLICKHOUSE_WATCH_MS);
    this.watch.unref();
    return `http://${this.config.httpHost === '0.0.0.0' ? '127.0.0.1' : this.config.httpHost}:${this.http.port}`;
  }

  /** Resolves once the app is ready (for tests and benchmarks; the service itself never waits on this). */
  async whenStarted(): Promise<void> {
    await this.background;
  }

  private async connectNats(): Promise<void> {
    const c = this.config;
    this.bus = await NatsBus.connect({
      url: c.natsUrl,
      ...(c.natsUser !== undefined ? { user: c.natsUser, password: c.natsPassword } : {}),
      inboxPrefix: c.natsInboxPrefix,
      onConnectFailure: (error) => (this.natsStatus = `not reachable yet: ${(error as Error).message}`),
      streamName: c.streamName,
      consumerName: c.consumerName,
      duplicateWindowMs: c.duplicateWindowMs,
      ackWaitMs: c.ackWaitMs,
      // One batch inserting and one filling, each up to the backlog size, must fit (single events: a message each).
      maxAckPending: Math.max(c.batchMaxSize * 4, c.batchBacklogMaxSize * 2 + c.batchMaxSize),
      logger: this.logger.child({ component: 'nats' }),
      signal: this.abort.signal,
      onConnectionChange: (connected) => this.metrics.natsConnected.set(connected ? 1 : 0),
    });
    this.natsStatus = 'connected; creating streams and consumer';
    await retryUntilDone(() => this.bus!.ensureTopology(), {
      ...STARTUP_RETRY,
      signal: this.abort.signal,
      onFailure: (error, attempt, retryInMs) => {
        this.natsStatus = `JetStream topology not created yet: ${(error as Error).message}`;
        if (logsAttempt(attempt)) this.logger.warn({ err: error, attempt, retryInMs }, 'could not create the JetStream stream/consumer; retrying');
      },
    });
    this.natsStatus = 'connected';
    const bus = this.bus!;
    this.metrics.pipeline.watchConsumers(() =>
      bus.connected ? { jsm: bus.jsm, stream: c.streamName, consumers: [c.consumerName, bus.envelopeConsumerName] } : undefined,
    );
    this.logger.info({ stream: c.streamName, consumer: c.consumerName }, 'NATS ready');
  }

  private async prepareClickHouse(): Promise<void> {
    const result = await retryUntilDone(
      async (attempt) => {
        await this.store.ping(AbortSignal.timeout(startupAttemptTimeoutMs(attempt)));
        return migrate(this.store.client, this.config.clickhouseDatabase);
      },
      {
        ...STARTUP_RETRY,
        signal: this.abort.signal,
        onFailure: (error, attempt, retryInMs) => {
          this.metrics.clickhouseConnected.set(0);
          this.clickhouseStatus = `not reachable or not migrated yet: ${(error as Error).message}`;
          if (logsAttempt(attempt)) this.logger.warn({ err: error, attempt, retryInMs, url: this.config.clickhouseUrl }, 'ClickHouse not ready yet; retrying');
        },
      },
    );
    this.metrics.clickhouseConnected.set(1);
    await this.metrics.pipeline
      .seedNewestEvent(this.store.client, this.config.clickhouseDatabase)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not read the newest stored event; its age shows after the next insert'));
    this.schemaReady = true;
    this.clickhouseStatus = 'connected';
    this.logger.info({ applied: result.applied, version: result.version }, 'ClickHouse schema ready');
  }

  private async pingClickHouse(): Promise<boolean> {
    try {
      await this.store.ping();
      this.metrics.clickhouseConnected.set(1);
      return true;
    } catch {
      this.metrics.clickhouseConnected.set(0);
      return false;
    }
  }

  /**
   * The checks behind /readyz: @qraft/health's probes for what NATS and ClickHouse themselves say (reachable,
   * stream and table present), plus the app's own view (consumer, schema version, ingest running).
   */
  readinessChecks(): Check[] {
    const c = this.config;
    const notConnected = `the app is not connected to NATS at ${c.natsUrl}: ${this.natsStatus}`;
    return [
      // The app's own connection, not a new one: a connect costs nats-server a bcrypt comparison (~90 ms of CPU), which
      // every /readyz paid, and the readiness gate polls it while the stack starts on two cores.
      appCheck('nats', async () => {
        if (!this.bus?.connected) return notConnected;
        await this.bus.connection.rtt();
        return undefined;
      }, `connected to ${c.natsUrl}; a round trip answered`),
      {
        name: 'clickhouse',
        probe: (signal) =>
          probeClickHouse({ url: c.clickhouseUrl, user: c.clickhouseUser, password: c.clickhousePassword, database: c.clickhouseDatabase, table: 'events', signal, timeoutMs: READY_PROBE_TIMEOUT_MS }),
      },
      appCheck('nats-topology', async () => {
        if (!this.bus?.connected) return notConnected;
        return this.bus.topologyProblem();
      }, `stream ${c.streamName} and durable consumers ${c.consumerName}, ${c.consumerName}${ENVELOPE_CONSUMER_SUFFIX} present`),
      appCheck('schema', async () => {
        if (!this.schemaReady) return `ClickHouse at ${c.clickhouseUrl} ${this.clickhouseStatus}`;
        const missing = await missingTables(this.store.client, c.clickhouseDatabase);
        return missing.length > 0 ? `tables missing in ${c.clickhouseDatabase}: ${missing.join(', ')} — run \`qraft-app migrate\`` : undefined;
      }, `${c.clickhouseDatabase}.events, .patterns and .schema_migrations present`),
      appCheck('ingest', async () => {
        if (!this.ingestor?.running) return 'not started: waiting for NATS and ClickHouse (see the other checks)';
        return this.ingestor.lastError;
      }, 'consuming from JetStream and inserting into ClickHouse'),
    ];
  }

  /** The readiness report; with `waitMs`, once start-up has finished or that long has passed (for `/readyz?wait_ms=`). */
  async readiness(waitMs?: number): Promise<HealthReport> {
    if (waitMs !== undefined && waitMs > 0 && this.background) {
      const waited = new AbortController();
      await Promise.race([this.background, sleep(waitMs, undefined, { signal: waited.signal }).catch(() => undefined)]);
      waited.abort();
    }
    const report = await runChecks(this.readinessChecks(), { timeoutMs: READY_PROBE_TIMEOUT_MS });
    this.metrics.clickhouseConnected.set(report.checks.find((r) => r.name === 'clickhouse')?.ok ? 1 : 0);
    return report;
  }

  /** SIGTERM path: stop taking requests, flush and ack what the ingestor holds, drain NATS, close ClickHouse. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    const timeoutMs = this.config.shutdownTimeoutMs;
    this.logger.info({ timeoutMs }, 'shutting down');
    if (this.watch) clearInterval(this.watch);
    await this.http.close();
    // Let the ingestor finish the batch it holds before background retries are cancelled.
    await this.ingestor?.stop(timeoutMs);
    await this.decoder?.close();
    this.abort.abort(new Error('app stopping'));
    await this.background;
    await this.bus?.drain();
    await this.store.client.close();
    this.logger.info('stopped');
  }
}
