import bcrypt from 'bcryptjs';

/**
 * bcrypt cost: 2^10 rounds, bcrypt's common default. nats-server pays one comparison per connect (the readiness
 * gate connects once per probe on a 2-core machine); Prometheus caches a verified login.
 */
export const BCRYPT_COST = 10;

/**
 * bcrypt hashes of each user's password. A hash in `previous` (read from the file rendered before) is kept while
 * it still matches its user's password: bcrypt salts each hash at random, so hashing again would rewrite the file,
 * and restart the server that reads it, on every `up`.
 */
export function keepOrHash(passwords: Readonly<Record<string, string>>, previous: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(passwords).map(([user, password]) => {
      const old = previous.get(user);
      return [user, old !== undefined && bcrypt.compareSync(password, old) ? old : bcrypt.hashSync(password, BCRYPT_COST)];
    }),
  );
}
