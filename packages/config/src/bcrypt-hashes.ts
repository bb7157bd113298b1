import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * bcrypt cost: 4, bcrypt's least. A work factor slows the guessing of a password someone chose; these are 24 random
 * bytes each (192 bits, ensure-secrets.ts), which no work factor makes more or less guessable — ClickHouse's users
 * file holds plain SHA-256 of the same kind of password. What the cost does buy is CPU: nats-server pays one
 * comparison per connect, about 90 ms at cost 10 on the 2-core machines here — for the app's own connect, the
 * exporter, verify and every poll of the readiness gate while the stack starts (docs/benchmarks.md, issue 11).
 */
export const BCRYPT_COST = 4;

/** Whether `hash` is a bcrypt hash made with BCRYPT_COST (one made before the cost changed is made again). */
function ofCurrentCost(hash: string): boolean {
  try {
    return bcrypt.getRounds(hash) === BCRYPT_COST;
  } catch {
    return false;
  }
}

/**
 * Pairs of password and bcrypt hash already known to match, as fingerprints (sha256 of both; a password is 24
 * random bytes, so a fingerprint gives nothing away, and it sits beside the password in secrets/ anyway). `known`
 * is read from the last run; `matched` collects the pairs in use now, for the next one.
 */
export interface VerifiedHashes {
  readonly known: ReadonlySet<string>;
  readonly matched: Set<string>;
}

export function hashFingerprint(password: string, hash: string): string {
  return createHash('sha256').update(password).update('\0').update(hash).digest('hex');
}

/**
 * bcrypt hashes of each user's password. A hash in `previous` (read from the file rendered before) is kept while
 * it still matches its user's password and has the current cost: bcrypt salts each hash at random, so hashing again would rewrite the file,
 * and restart the server that reads it, on every `up`. A pair in `verified.known` is not compared again (bcryptjs
 * takes ~60 ms per comparison here; the six of the stack were most of what `up` spent on its secrets).
 */
export function keepOrHash(passwords: Readonly<Record<string, string>>, previous: ReadonlyMap<string, string>, verified?: VerifiedHashes): Record<string, string> {
  return Object.fromEntries(
    Object.entries(passwords).map(([user, password]) => {
      const old = previous.get(user);
      const keep = old !== undefined && ofCurrentCost(old) && (verified?.known.has(hashFingerprint(password, old)) === true || bcrypt.compareSync(password, old));
      const hash = keep ? old : bcrypt.hashSync(password, BCRYPT_COST);
      verified?.matched.add(hashFingerprint(password, hash));
      return [user, hash];
    }),
  );
}
