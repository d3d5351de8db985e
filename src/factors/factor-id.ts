/**
 * Stable ids of the second factors: guard counters, audit `method`, the CLI, stored methods. A
 * leaf of its own so that the guard, the MFA service and the sign-in state can name a factor
 * without depending on the factors' pages. The registry (registry.ts) holds one factor per id,
 * which a unit test checks.
 */
export const FACTOR_IDS = ['totp', 'sms', 'backup-code', 'passkey'] as const;

export type FactorId = (typeof FACTOR_IDS)[number];
