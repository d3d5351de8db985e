import { backupCodeFactor } from './backup-code/backup-code-factor.ts';
import type { MethodView } from '../mfa/mfa-status.ts';
import type { Factor, FactorId } from './factor.ts';
import { smsFactor } from './sms/sms-factor.ts';
import { totpFactor } from './totp/totp-factor.ts';

/**
 * Every second factor, in the order pages offer them. Adding one: its folder (factor.ts lists
 * what it holds), one line here, and a migration for what it stores (README "Adding a factor").
 */
export const FACTORS: readonly Factor[] = [totpFactor, smsFactor, backupCodeFactor];

export function factorById(id: FactorId): Factor {
  const factor = FACTORS.find((candidate) => candidate.id === id);
  if (!factor) throw new Error(`no factor ${id}`);
  return factor;
}

/** The factor of one of an account's methods. */
export function factorOf(method: MethodView): Factor {
  return factorById(method.type);
}

/** How a method is named on pages and in the CLI. */
export function labelOf(method: MethodView): string {
  return factorOf(method).labelOf?.(method) ?? factorOf(method).name;
}
