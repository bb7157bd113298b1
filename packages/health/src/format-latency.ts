/** Formats a probe latency for the report table: "12 ms" below a second, "1.25 s" above. */
export function formatLatency(latencyMs: number): string {
  return latencyMs < 1_000 ? `${Math.round(latencyMs)} ms` : `${(latencyMs / 1_000).toFixed(2)} s`;
}
