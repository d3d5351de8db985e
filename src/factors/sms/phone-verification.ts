import type { ErrorCode } from '../../errors.ts';
import type { TransientStore } from '../../mfa/mfa-store.ts';
import { parseMobileNumber } from './phone-number.ts';
import type { SmsCodes } from './sms-codes.ts';

const MAX_PHONE_INPUT = 64;

/** Where one verification lives: its keys (bound by the caller to a sign-in or a Security page session, and an account) and how long it waits. */
export interface VerificationPlace {
  accountId: string;
  /** The transient key of the number waiting for its code. */
  phoneKey: string;
  /** The code's scope (its key and hash), sms-codes.ts. */
  codeScope: string;
  ttlSeconds: number;
}

export type SendResult = { ok: true; phone: string } | { ok: false; problem: ErrorCode; typed: string };
export type ConfirmResult = { ok: true; phone: string } | { ok: false; problem: 'CODE_REQUIRED' | 'CODE_INVALID' | 'SETUP_EXPIRED' };

/**
 * Proving a new number before it is stored, on the Security page and during a sign-in alike: the
 * typed number (parsed, within the country allow-list) is texted a setup code (the setup SMS
 * budget), waits for it, and is handed back once, when its code verified and this confirmation
 * claimed it: of two racing confirmations, one stores the number.
 */
export function phoneVerification(deps: { sms: SmsCodes; transient: TransientStore; allowedCountries: string[] | null }, place: VerificationPlace) {
  /** The number waiting for its code is only ever the one the latest code really went to. */
  async function textCode(phone: string, ip: string): Promise<ErrorCode | undefined> {
    const problem = await deps.sms.send({ purpose: 'setup', scope: place.codeScope, accountId: place.accountId, phone, ip });
    if (!problem) await deps.transient.set(place.phoneKey, phone, place.ttlSeconds);
    return problem;
  }

  return {
    pending: () => deps.transient.get(place.phoneKey),

    async send(input: string | undefined, ip: string): Promise<SendResult> {
      const typed = (input ?? '').slice(0, MAX_PHONE_INPUT);
      const parsed = parseMobileNumber(typed, deps.allowedCountries);
      if (!parsed.ok) return { ok: false, problem: parsed.code, typed };
      const problem = await textCode(parsed.e164, ip);
      return problem ? { ok: false, problem, typed } : { ok: true, phone: parsed.e164 };
    },

    /** A new code to the number already waiting; SETUP_EXPIRED when none is. */
    async resend(ip: string): Promise<ErrorCode | undefined> {
      const phone = await deps.transient.get(place.phoneKey);
      if (!phone) return 'SETUP_EXPIRED';
      return textCode(phone, ip);
    },

    async confirm(code: string): Promise<ConfirmResult> {
      const phone = await deps.transient.get(place.phoneKey);
      if (!phone) return { ok: false, problem: 'SETUP_EXPIRED' };
      if (!code) return { ok: false, problem: 'CODE_REQUIRED' };
      if (!(await deps.sms.check({ scope: place.codeScope, accountId: place.accountId, code, phone }))) return { ok: false, problem: 'CODE_INVALID' };
      if ((await deps.transient.take(place.phoneKey)) !== phone) return { ok: false, problem: 'SETUP_EXPIRED' };
      return { ok: true, phone };
    },
  };
}
