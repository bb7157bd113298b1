export { systemClock, type Clock } from './clock';
export { FakeClock } from './fake-clock';
export { POLL_BACKOFF, pollUntil } from './poll-until';
export {
  backoffDelay,
  DEFAULT_BACKOFF,
  normalizeRetryOptions,
  retryUntil,
  RetryTimeoutError,
  type AttemptOutcome,
  type BackoffInput,
  type RetryOptions,
  type RetryOptionsInput,
} from './retry-until';
export { retryUntilDone, type RetryUntilDoneOptions } from './retry-until-done';
