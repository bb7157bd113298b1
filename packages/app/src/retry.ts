// The app's start-up and insert loops retry with @qraft/retry's primitive; this keeps the app-local import path.
export { retryUntilDone, type RetryUntilDoneOptions as RetryOptions } from '@qraft/retry';
