/** Values the MFA store contracts share: two accounts, a time step, a sealed secret, two backup-code hashes. */
export const ALICE = 'sub-alice';
export const BOB = 'sub-bob';
export const STEP = 63_115_200; // 2030-01-01T00:00:00Z in 30-second steps
export const SECRET = 'k1.sealed-secret-of-alice';
export const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$backup-1';
export const NEW_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$backup-2';
