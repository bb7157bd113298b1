/**
 * The decode worker's entry point (a worker_threads worker started by EnvelopeDecoder): the envelopes that did not take
 * the byte path in, decoded the general way (generalEnvelopeRows); encoded insert rows and per-event rejects out. It
 * holds no state; the main thread keeps NATS, acks and inserts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EnvelopeLimits } from './event';
import { generalEnvelopeRows, type EnvelopeRows } from './envelope-rows';

/** What the main thread sends: one envelope's bytes (transferred) and its `ingested_at` text. */
export interface DecodeRequest {
  readonly id: number;
  readonly data: Uint8Array;
  readonly ingestedAt: string;
}

/**
 * What comes back: once, that the worker is loaded; then per request the decoding (its row bytes transferred), or
 * the stack of an error thrown while decoding.
 */
export type DecodeResponse =
  | { readonly ready: true }
  | { readonly id: number; readonly result: EnvelopeRows }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const limits = (workerData as { limits: EnvelopeLimits }).limits;
  port.on('message', (request: DecodeRequest) => {
    let response: DecodeResponse;
    const transfer: ArrayBuffer[] = [];
    try {
      let result = generalEnvelopeRows(request.data, limits, request.ingestedAt);
      if (result.ok) {
        const rows = exclusive(result.rows);
        transfer.push(rows.buffer as ArrayBuffer);
        result = { ...result, rows };
      }
      response = { id: request.id, result };
    } catch (error) {
      response = { id: request.id, error: (error as Error).stack ?? String(error) };
    }
    port.postMessage(response, transfer);
  });
  port.postMessage({ ready: true } satisfies DecodeResponse);
}

/** `bytes` if it is the whole of its buffer (so that can be transferred), else a copy (small Buffers share a pool; Buffer#slice would not copy). */
function exclusive(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}
