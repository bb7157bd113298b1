import { chownSync, existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** NATS' implicit global account: where a server without `accounts` keeps its JetStream streams. */
export const GLOBAL_ACCOUNT = '$G';

export interface StreamMove {
  readonly stream: string;
  /** `moved`: now loaded in the stack's account; `set aside`: that account already had the stream, the old one is kept at `to`. */
  readonly outcome: 'moved' | 'set aside';
  /** Where the stream's directory is now. */
  readonly to: string;
}

/**
 * Moves the JetStream streams a stack kept before it had NATS accounts (`<store>/jetstream/$G/streams/*`) into the
 * stack's account (`<store>/jetstream/<account>/streams/*`), consumers and their positions included. nats-server
 * keeps each account's streams in a directory named after the account (unencrypted stores name nothing else), and a
 * server with `accounts` never loads `$G`'s: it reports them as not recoverable and /healthz answers 503 for good
 * (nats-io/nats-server#5219, #4138). Call it only while nats-server is stopped. A stream the account already has is
 * not merged: the old copy is set aside under `<store>/global-account-streams-<time>/`, outside what the server
 * reads, so nothing is deleted. New directories get the owner of `store`.
 */
export function moveGlobalAccountStreams(store: string, account: string, now: Date = new Date()): StreamMove[] {
  const from = join(store, 'jetstream', GLOBAL_ACCOUNT, 'streams');
  if (!existsSync(from)) return [];
  const owner = statSync(store);
  const mkdirOwned = (dir: string) => {
    const first = mkdirSync(dir, { recursive: true, mode: 0o750 });
    if (first === undefined || process.getuid?.() !== 0) return;
    // Each level mkdir created, from the first one down, belongs to the store's owner (the server's user).
    for (let d = dir; d.length >= first.length; d = join(d, '..')) chownSync(d, owner.uid, owner.gid);
  };
  const into = join(store, 'jetstream', account, 'streams');
  const aside = join(store, `global-account-streams-${now.toISOString().replace(/[:.]/g, '-')}`);
  const moves: StreamMove[] = [];
  for (const stream of readdirSync(from)) {
    const exists = existsSync(join(into, stream));
    const to = join(exists ? aside : into, stream);
    mkdirOwned(exists ? aside : into);
    renameSync(join(from, stream), to);
    moves.push({ stream, outcome: exists ? 'set aside' : 'moved', to });
  }
  rmdirSync(from);
  // `$G` itself may hold nothing else; if it does, leave it.
  try {
    rmdirSync(join(store, 'jetstream', GLOBAL_ACCOUNT));
  } catch {
    /* not empty */
  }
  return moves;
}
