/**
 * Stable ids of the second factors: guard counters, audit `method`, the CLI, stored methods. A
 * leaf of its own so that the guard, the MFA service and the sign-in state can name a factor
 * without depending on the factors' pages.
 */
export type FactorId = 'totp' | 'sms' | 'backup-code';
