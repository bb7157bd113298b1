import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DecodeRequest, DecodeResponse } from './decode-worker';
import type { EnvelopeLimits } from './event';
import { envelopeRows, type EnvelopeRows } from './envelope-rows';
import { envelopeRowsFromBytes } from './envelope-rows-from-bytes';

export interface EnvelopeDecoderOptions {
  /** Decode worker threads (QRAFT_DECODE_WORKERS); 0 decodes on the calling thread. */
  readonly workers: number;
  readonly limits: EnvelopeLimits;
}

interface Pending {
  readonly resolve: (rows: EnvelopeRows) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** Settles when the worker has loaded its code (or failed to). */
  readonly loaded: Promise<void>;
}

/**
 * Turns envelopes into insert rows (envelopeRows). The byte path (envelopeRowsFromBytes: what almost every producer
 * sends) runs on the calling thread: it costs about a microsecond an event, less than handing the envelope to a
 * thread and back on a machine whose cores the servers share (docs/benchmarks.md, issue 13, sixth round). The
 * general path (JSON.parse, validation and serialising event by event, several times dearer) runs on `workers`
 * worker threads, round robin, or inline with 0, since it needs nothing but the bytes and would hold the thread
 * that keeps NATS, acks and inserts. Such an envelope's bytes are copied once and transferred; the rows come back
 * transferred. A worker that fails rejects what it held (the caller treats that as it treats an error thrown inline)
 * and is started again on the next envelope. Results may arrive out of order across workers: callers await them in
 * their own order.
 */
export class EnvelopeDecoder {
  private readonly slots: Array<Slot | undefined>;
  private nextSlot = 0;
  private nextId = 0;
  private closed = false;

  constructor(private readonly options: EnvelopeDecoderOptions) {
    this.slots = Array.from({ length: options.workers }, () => undefined);
    // Started now rather than on the first envelope, which would otherwise wait for a thread to boot.
    for (let i = 0; i < this.slots.length; i++) this.slot(i);
  }

  get workers(): number {
    return this.options.workers;
  }

  /**
   * Resolves once every worker has loaded its code, so the first envelope does not wait for a thread to boot;
   * rejects with the reason a worker could not start.
   */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s?.loaded));
  }

  decode(data: Uint8Array, ingestedAt: string): Promise<EnvelopeRows> {
    if (this.closed) return Promise.reject(new Error('the envelope decoder is closed'));
    let here: EnvelopeRows | undefined;
    try {
      const { limits, workers } = this.options;
      here = workers === 0 ? envelopeRows(data, limits, ingestedAt) : envelopeRowsFromBytes(data, limits, ingestedAt);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (here) return Promise.resolve(here);
    const slot = this.slot(this.nextSlot++ % this.options.workers);
    const id = this.nextId++;
    // A message's bytes are a view into the client's read buffer: copy them alone, then hand the copy over.
    const copy = new Uint8Array(data);
    return new Promise<EnvelopeRows>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      const request: DecodeRequest = { id, data: copy, ingestedAt };
      slot.worker.postMessage(request, [copy.buffer]);
    });
  }

  /** Stops the workers; envelopes still being decoded are rejected (their messages stay unacknowledged). */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0).filter((s): s is Slot => s !== undefined);
    for (const s of slots) this.fail(s, new Error('the envelope decoder was closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private slot(index: number): Slot {
    const existing = this.slots[index];
    if (existing) return existing;
    const worker = startWorker(this.options.limits);
    let loaded!: { resolve: () => void; reject: (error: Error) => void };
    const slot: Slot = { worker, pending: new Map(), loaded: new Promise<void>((resolve, reject) => (loaded = { resolve, reject })) };
    slot.loaded.catch(() => undefined); // ready() reports it to whoever asks
    const retire = (error: Error) => {
      if (this.slots[index] === slot) this.slots[index] = undefined;
      loaded.reject(error);
      this.fail(slot, error);
    };
    slot.worker.on('message', (response: DecodeResponse) => {
      if ('ready' in response) {
        // Referenced while it boots (ready() waits for it) and while it owes an answer; idle, it must not keep the process.
        if (slot.pending.size === 0) slot.worker.unref();
        return loaded.resolve();
      }
      const waiting = slot.pending.get(response.id);
      if (!waiting) return;
      slot.pending.delete(response.id);
      if (slot.pending.size === 0) slot.worker.unref();
      if ('error' in response) waiting.reject(new Error(`decode worker: ${response.error}`));
      else waiting.resolve(response.result.ok ? { ...response.result, rows: Buffer.from(response.result.rows.buffer, response.result.rows.byteOffset, response.result.rows.byteLength) } : response.result);
    });
    slot.worker.on('error', (error) => retire(error));
    slot.worker.on('exit', (code) => retire(new Error(`decode worker exited with code ${code}`)));
    this.slots[index] = slot;
    return slot;
  }

  private fail(slot: Slot, error: Error): void {
    for (const p of slot.pending.values()) p.reject(error);
    slot.pending.clear();
  }
}

/**
 * The compiled worker beside this file; from the TypeScript sources (tests, benches, `tsx`), the same file loaded
 * through tsx's require hook, as the code that starts it was.
 */
function startWorker(limits: EnvelopeLimits): Worker {
  const workerData = { limits };
  if (!__filename.endsWith('.ts')) return new Worker(join(__dirname, 'decode-worker.js'), { workerData });
  let tsx: string;
  try {
    tsx = createRequire(__filename).resolve('tsx/cjs');
  } catch {
    throw new Error('QRAFT_DECODE_WORKERS above 0 needs tsx to run the decode worker from TypeScript sources: build @qraft/app (dist), install tsx, or set QRAFT_DECODE_WORKERS=0');
  }
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(join(__dirname, 'decode-worker.ts'))});`, { eval: true, workerData });
}
