/** What every probe returns. A probe never throws: failures are data with a sentence a person can act on. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly state: 'up' | 'degraded' | 'down';
  readonly latencyMs: number;
  /** What was checked and what was seen, e.g. `JetStream on, stream "orders" present, rtt 1 ms`. */
  readonly detail: string;
  /** Set whenever `ok` is false: what is wrong and what to do about it. */
  readonly error?: string;
}

export type ProbeState = ProbeResult['state'];

/** Options every probe accepts besides its own. */
export interface ProbeOptions {
  /** Cancels the probe; it then resolves `down` with a "cancelled" error instead of throwing. */
  readonly signal?: AbortSignal;
  /** Per-probe time limit (default 5_000 ms). */
  readonly timeoutMs?: number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/** Thrown inside a probe body to end it `degraded` or `down` with a prepared sentence. */
export class ProbeFailure extends Error {
  constructor(
    readonly state: 'degraded' | 'down',
    message: string,
    readonly detail = '',
  ) {
    super(message);
    this.name = 'ProbeFailure';
  }
}
