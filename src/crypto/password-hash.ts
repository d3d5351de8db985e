import argon2 from 'argon2';

/**
 * argon2id with m=19 MiB, t=2, p=1: the OWASP Password Storage Cheat Sheet's first
 * recommended setting (OWASP ASVS 5.0 V11, Cryptography).
 */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * NIST SP 800-63B §3.1.1.2: passwords are Unicode; normalise (NFKC) before hashing so the
 * same password typed on two keyboards verifies.
 */
function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(normalisePassword(password), ARGON2_OPTIONS);
}

/** False for a wrong password and for a malformed stored hash alike. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, normalisePassword(password));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throwaway hash made with the same parameters, so an unknown email costs
 * as much time as a wrong password (no account enumeration by timing; OWASP ASVS 5.0 V6, Authentication).
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy password that never matches anything');
  await verifyPassword(await dummyHash, password);
  return false;
}
