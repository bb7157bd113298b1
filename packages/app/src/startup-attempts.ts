/**
 * How the app retries NATS and ClickHouse while it starts, whatever order the containers come up in (on podman-compose
 * 1.3 `up` starts the app first, as the slowest to become ready, and its dependencies after it).
 *
 * Each attempt gets a time limit that stays short for the first seconds, then doubles: a connection opened while the
 * server's container is still being wired to its network can lose its first SYN, and the kernel only sends it again
 * after a second — the app then became ready a second after NATS did, with no failure logged. The limit grows to the
 * clients' usual 5 s, so a slow or loaded host still gets through. The pauses between attempts stay under half a
 * second, so the app notices within that much once a dependency answers.
 */
export const STARTUP_RETRY = { initialDelayMs: 50, maxDelayMs: 500 } as const;

/** The time limit of start-up attempt `attempt` (from 1): 250 ms for the first six (about 3 s), then 0.5, 1, 2 and 5 s. */
export function startupAttemptTimeoutMs(attempt: number): number {
  return attempt <= 6 ? 250 : attempt >= 10 ? 5_000 : 250 * 2 ** (attempt - 6);
}

/**
 * Whether a failed start-up attempt is logged: the first six, then every tenth, so a dependency that stays away for
 * minutes does not fill the log at two lines a second (`/readyz` always says what the last attempt met).
 */
export function logsAttempt(attempt: number): boolean {
  return attempt <= 6 || attempt % 10 === 0;
}
