import type { NatsConnection } from '@nats-io/transport-node';
import type { Check } from '@qraft/health';
import type { CheckStatus } from '../outcome';
import type { StackContext } from '../stack-context';
import type { CopyAccounting } from './copy-accounting';
import type { DeliverySnapshot } from './jetstream-deliveries';
import type { PublishLoad } from './publish-load';
import type { JetStreamSender } from './senders';
import type { ClickHouseAccess } from './stored-event-counts';

/** One fault's line in the table. */
export interface FaultRecovery {
  readonly fault: string;
  readonly injection: string;
  /** From the injection until every readiness check passed again; absent when it never did or was skipped. */
  readonly recoveryMs?: number;
  readonly note?: string;
  /** How the fault's check ended; set when it finishes. */
  result?: CheckStatus;
}

export interface FaultTiming {
  /** Steady load before each fault. */
  readonly settleMs: number;
  /** How long a killed container may take to be started again by its restart policy. */
  readonly restartTimeoutMs: number;
  /** How long the stack may take to pass every readiness check again. */
  readonly recoveryTimeoutMs: number;
  /** How long every acknowledged event may take to be stored once the load stopped. */
  readonly drainTimeoutMs: number;
}

export const DEFAULT_FAULT_TIMING: FaultTiming = { settleMs: 5_000, restartTimeoutMs: 60_000, recoveryTimeoutMs: 120_000, drainTimeoutMs: 120_000 };

/** Runs a compose subcommand on the stack's compose file, plus `overrideFile` when given. Throws on failure. */
export type ComposeRunner = (args: readonly string[], overrideFile?: string) => Promise<void>;

/** What the fault checks share: the running stack, the load, and the results they add to as they go. */
export interface FaultContext {
  readonly stack: StackContext;
  readonly readiness: readonly Check[];
  readonly clickhouseAccess: ClickHouseAccess;
  readonly load: PublishLoad;
  readonly loadType: string;
  readonly jetstream: JetStreamSender;
  /** A connection as the stack's monitor identity: JetStream's delivery figures (the publisher may not read them). */
  readonly monitor: NatsConnection;
  readonly compose: ComposeRunner;
  readonly workspaceRoot: string;
  readonly timing: FaultTiming;
  readonly log: (line: string) => void;
  readonly recoveries: FaultRecovery[];
  /** JetStream's delivery figures just before the load started: redeliveries are counted from here. */
  deliveriesAtStart?: DeliverySnapshot;
  accounting?: CopyAccounting;
}

/** The container of a service of the stack, or an error naming what is missing. */
export function containerOf(context: FaultContext, service: string): string {
  const found = context.stack.services.find((s) => s.name === service && s.available);
  if (!found) throw new Error(`service ${service} is not in this stack`);
  return found.containerName;
}
