import { backupCodeFactor } from './backup-code/backup-code-factor.ts';
import type { MethodView } from '../mfa/mfa-status.ts';
import type { Factor, FactorId, FactorNames } from './factor.ts';
import { passkeyFactor } from './passkey/passkey-factor.ts';
import { smsFactor } from './sms/sms-factor.ts';
import { totpFactor } from './totp/totp-factor.ts';

/**
 * Every second factor, in the order pages offer them. Adding one: its folder (factor.ts lists
 * what it holds), one line here, and a migration for what it stores (README "Adding a factor").
 */
export const FACTORS = [totpFactor, smsFactor, passkeyFactor, backupCodeFactor] as const;

/** One of the registered factors, with what its steps need. */
export type RegisteredFactor = (typeof FACTORS)[number];

/** All of a union's members at once (A | B → A & B). */
type Both<U> = (U extends unknown ? (part: U) => void : never) extends (part: infer I) => void ? I : never;
type SignInDepsOf<F> = F extends Factor<infer SignIn, unknown> ? SignIn : never;
type SetupDepsOf<F> = F extends Factor<unknown, infer Setup> ? Setup : never;

/** What the sign-in must give the factors' steps: everything any registered factor asked for. */
export type FactorSignInDeps = Both<SignInDepsOf<RegisteredFactor>>;
/** What the Security page must give the factors' setup pages. */
export type FactorSetupDeps = Both<SetupDepsOf<RegisteredFactor>>;

export function factorById(id: FactorId): RegisteredFactor {
  const factor = FACTORS.find((candidate) => candidate.id === id);
  if (!factor) throw new Error(`no factor ${id}`);
  return factor;
}

/** The factor of one of an account's methods. */
export function factorOf(method: MethodView): RegisteredFactor {
  return factorById(method.type);
}

/** How a method is named on pages and in the CLI. */
export function labelOf(method: MethodView): string {
  return factorOf(method).labelOf?.(method) ?? factorOf(method).name;
}

/** The registry's naming, as the shared sign-in steps take it (FactorNames). */
export const factorNames: FactorNames = {
  codesNameOf: (id) => factorById(id).codesName,
  roleOf: (id) => factorById(id).role,
  labelOf,
};

/** The CLI's extra line about a method for support staff, when its factor has one. */
export function supportDetailsOf(method: MethodView): string | undefined {
  const factor: { supportDetailsOf?(method: MethodView): string } = factorOf(method);
  return factor.supportDetailsOf?.(method);
}

/** Where a method's owner edits it (a passkey's name), when its factor has such a page. */
export function editHrefOf(method: MethodView): string | undefined {
  const factor: { editHrefOf?(method: MethodView): string } = factorOf(method);
  return factor.editHrefOf?.(method);
}
