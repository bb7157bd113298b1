export interface Progress {
  /** Prints one line with the seconds elapsed since the progress began. */
  readonly line: (message: string) => void;
  /** Starts a step; the returned function prints its end with the step's own duration. */
  readonly step: (message: string) => (outcome?: string) => number;
}

/** One line per step with elapsed seconds, so a long build never looks stuck. */
export function createProgress(write: (text: string) => void = (t) => process.stderr.write(t), now: () => number = Date.now): Progress {
  const startedAt = now();
  const stamp = (): string => `[${((now() - startedAt) / 1000).toFixed(1).padStart(6)} s]`;
  const line = (message: string): void => write(`${stamp()} ${message}\n`);
  return {
    line,
    step: (message) => {
      const stepStart = now();
      line(`${message} …`);
      return (outcome = 'done') => {
        const ms = now() - stepStart;
        line(`${message}: ${outcome} in ${(ms / 1000).toFixed(1)} s`);
        return ms;
      };
    },
  };
}

/** For callers (tests, --json) that want no progress on stderr. */
export const silentProgress: Progress = { line: () => undefined, step: () => () => 0 };
