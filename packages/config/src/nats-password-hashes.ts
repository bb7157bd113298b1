import { keepOrHash, type VerifiedHashes } from './bcrypt-hashes';
import type { NatsPasswordHashes } from './render-nats-accounts';

const HASHED_USER = /user:\s*"([^"]+)",\s*password:\s*"(\$2[aby]\$\d\d\$[./A-Za-z0-9]{53})"/g;

/** The bcrypt hash of each user in a rendered accounts file. */
function hashesIn(rendered: string | undefined): Map<string, string> {
  return new Map([...(rendered ?? '').matchAll(HASHED_USER)].map((m) => [m[1]!, m[2]!]));
}

/** bcrypt hashes of the NATS passwords, keeping each hash of `previous` (the accounts file rendered before) that still matches. */
export function natsPasswordHashes(
  passwords: { readonly [K in keyof NatsPasswordHashes]: { readonly user: string; readonly password: string } },
  previous: string | undefined,
  verified?: VerifiedHashes,
): NatsPasswordHashes {
  const identities = Object.keys(passwords) as Array<keyof NatsPasswordHashes>;
  const byUser = keepOrHash(Object.fromEntries(identities.map((i) => [passwords[i].user, passwords[i].password])), hashesIn(previous), verified);
  return Object.fromEntries(identities.map((i) => [i, byUser[passwords[i].user]!])) as unknown as NatsPasswordHashes;
}
