/** One verification: throws with a readable message when the stack does not keep a promise. */
export interface VerifyCheck<Context> {
  readonly group: string;
  readonly name: string;
  /** Returns a short description of what was observed; throws to fail; `skip(reason)` to skip. */
  readonly run: (context: Context) => Promise<string | void>;
}
