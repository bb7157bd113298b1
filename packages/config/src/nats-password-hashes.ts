import bcrypt from 'bcryptjs';
import type { NatsPasswordHashes } from './render-nats-accounts';

/**
 * bcrypt cost: 2^10 rounds. Every NATS connect pays one comparison on the server, and the readiness gate
 * connects once per probe on a 2-core machine; 10 is bcrypt's common default.
 */
const COST = 10;
const HASHED_USER = /user:\s*"([^"]+)",\s*password:\s*"(\$2[aby]\$\d\d\$[./A-Za-z0-9]{53})"/g;

/** The bcrypt hash of each user in a rendered accounts file. */
function hashesIn(rendered: string | undefined): Map<string, string> {
  return new Map([...(rendered ?? '').matchAll(HASHED_USER)].map((m) => [m[1]!, m[2]!]));
}

/**
 * bcrypt hashes of the NATS passwords. A hash in `previous` (the accounts file rendered before) is kept while it
 * still matches its user's password: bcrypt salts each hash, so hashing again would rewrite the file — and
 * restart nats — on every `up`.
 */
export function natsPasswordHashes(
  passwords: { readonly [K in keyof NatsPasswordHashes]: { readonly user: string; readonly password: string } },
  previous: string | undefined,
): NatsPasswordHashes {
  const before = hashesIn(previous);
  const hash = ({ user, password }: { user: string; password: string }) => {
    const old = before.get(user);
    return old !== undefined && bcrypt.compareSync(password, old) ? old : bcrypt.hashSync(password, COST);
  };
  return { app: hash(passwords.app), publisher: hash(passwords.publisher), monitor: hash(passwords.monitor), system: hash(passwords.system) };
}
