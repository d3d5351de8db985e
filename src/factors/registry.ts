import { backupCodeFactor } from './backup-code/backup-code-factor.ts';
import type { Factor, FactorId } from './factor.ts';
import { smsFactor } from './sms/sms-factor.ts';
import { totpFactor } from './totp/totp-factor.ts';

/**
 * Every second factor, in the order pages offer them. Adding one: its folder (factor.ts lists
 * what it holds), one line here, and a migration for what it stores (README "Adding a factor").
 */
export const FACTORS: readonly Factor[] = [totpFactor, smsFactor, backupCodeFactor];

export const FACTOR_IDS: readonly FactorId[] = FACTORS.map((factor) => factor.id);

export function factorById(id: FactorId): Factor {
  const factor = FACTORS.find((candidate) => candidate.id === id);
  if (!factor) throw new Error(`no factor ${id}`);
  return factor;
}

/** The account's way to sign in: the first method it has (one per account today). */
export function methodOf(status: Parameters<Factor['has']>[0]): Factor | undefined {
  return FACTORS.find((factor) => factor.role === 'method' && factor.has(status));
}
