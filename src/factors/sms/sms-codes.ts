import { randomInt } from 'node:crypto';
import { macRing } from '../../crypto/mac-ring.ts';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { SmsSendError, type SmsProvider } from './sms-provider.ts';
import type { FactorGuard } from '../../guard/factor-guard.ts';
import type { SmsBudget, SmsPurpose, SmsRefusal } from '../../guard/sms-budget.ts';
import type { Logger } from '../../log.ts';
import type { TransientStore } from '../../mfa/mfa-store.ts';
import { t } from '../../i18n/translate.ts';
import { currentLocale } from '../../i18n/request-language.ts';

/** NIST SP 800-63B §5.1.3.1 / rev 4 §3.1.3.2: an out-of-band code of 6 digits from a CSPRNG, short-lived. */
const CODE_DIGITS = 6;

interface PendingCode {
  /** The account the code was sent for: checked on use, beside the scope that names it too. */
  accountId: string;
  phone: string;
  /** HMAC of the code, bound to its scope; absent under Twilio Verify, which keeps the code itself. */
  hash?: string;
  sentAt: number;
  expiresAt: number;
}

export interface SmsCodesDeps {
  provider: SmsProvider;
  budget: SmsBudget;
  guard: FactorGuard;
  transient: TransientStore;
  /** Server secrets for the code hashes, newest first (mac-ring.ts). */
  secrets: readonly string[];
  clock: Clock;
  log: Logger;
  codeTtlSeconds: number;
  /** How the message names us, and the host WebOTP binds the code to. */
  appName: string;
  host: string;
}

export type SendOutcome = SmsRefusal | 'SMS_SEND_FAILED' | 'FACTOR_PAUSED' | 'FACTOR_LOCKED' | undefined;

/** A code waiting for this scope: the number it went to, and when it was sent and stops working (ms). */
export interface PendingSms {
  phone: string;
  sentAt: number;
  expiresAt: number;
}

/**
 * One-time codes by text message, each bound to a scope (the interaction that asked for it,
 * or a setup in progress): stored hashed, valid 10 minutes, single use, replaced by a resend.
 * Wrong codes count against the account's `sms` factor; a resend does not reset that count.
 */
export function createSmsCodes(deps: SmsCodesDeps) {
  const key = (scope: string) => `sms-code:${scope}`;
  const hashes = macRing(deps.secrets);
  const codeData = (scope: string, code: string) => `${scope}\0${code}`;

  /** `purpose` picks the budget buckets (see sms-budget.ts): a sign-in to the enrolled number, or a setup to one not yet verified. */
  async function send(input: { scope: string; accountId: string; phone: string; ip: string; purpose: SmsPurpose }): Promise<SendOutcome> {
    // Nothing is sent while this account's text codes are paused or locked: no code could be checked.
    const lock = await deps.guard.lockOf(input.accountId, 'sms');
    if (lock) {
      deps.log.info('sms.refused', { accountId: input.accountId, reason: lock.kind, ip: input.ip });
      return lock.kind === 'paused' ? 'FACTOR_PAUSED' : 'FACTOR_LOCKED';
    }
    const refusal = await deps.budget.reserve(input);
    if (refusal) {
      deps.log.info('sms.refused', { accountId: input.accountId, reason: refusal, ip: input.ip });
      return refusal;
    }
    const now = deps.clock();
    const pending: PendingCode = { accountId: input.accountId, phone: input.phone, sentAt: now, expiresAt: now + deps.codeTtlSeconds * 1000 };
    try {
      if (deps.provider.kind === 'twilio-verify') {
        // Twilio writes Verify's message itself: in French when the person's pages are (its locale `fr`).
        await deps.provider.start(input.phone, currentLocale() === 'fr-CA' ? 'fr' : undefined);
      } else {
        const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
        // The last line is the WebOTP format (origin-bound one-time codes), so browsers can offer to fill it in.
        // In the language of the sign-in or page that asked for it (its ui_locales, switcher or
        // Accept-Language). The last line is WebOTP's origin-bound form, the same in every language.
        const text = t('sms.body', { code, app: deps.appName, minutes: Math.round(deps.codeTtlSeconds / 60) });
        const body = `${text}\n\n@${deps.host} #${code}`;
        await deps.provider.deliver({ to: input.phone, body });
        pending.hash = hashes.sign(codeData(input.scope, code));
      }
    } catch (error) {
      if (!(error instanceof SmsSendError)) throw error;
      // Nothing is stored: an earlier code stays as it was.
      deps.log.warn('sms.send.failed', { accountId: input.accountId, providerCode: error.providerCode, status: error.status });
      return 'SMS_SEND_FAILED';
    }
    await deps.transient.set(key(input.scope), JSON.stringify(pending), deps.codeTtlSeconds);
    deps.log.info('sms.sent', { accountId: input.accountId, provider: deps.provider.kind, ip: input.ip });
    return undefined;
  }

  async function matches(scope: string, pending: PendingCode, code: string): Promise<boolean> {
    if (pending.expiresAt <= deps.clock() || !/^\d{6}$/.test(code)) return false;
    if (deps.provider.kind === 'twilio-verify') {
      try {
        return await deps.provider.check(pending.phone, code);
      } catch (error) {
        if (!(error instanceof SmsSendError)) throw error;
        // Twilio did not answer: neither a right nor a wrong code, so nothing is counted.
        deps.log.warn('sms.check.failed', { providerCode: error.providerCode, status: error.status });
        throw new AppError('SMS_SEND_FAILED');
      }
    }
    return hashes.verify(codeData(scope, code), pending.hash ?? '');
  }

  /**
   * True once for the right code of the latest send for this scope, made for this account and
   * sent to this number (at setup: the number about to be stored; at sign-in: the one enrolled);
   * the same generic false otherwise.
   */
  async function check(input: { scope: string; accountId: string; phone: string; code: string }): Promise<boolean> {
    if (!(await deps.guard.attempt(input.accountId, 'sms'))) return false;
    const raw = await deps.transient.get(key(input.scope));
    const pending = raw ? (JSON.parse(raw) as PendingCode) : undefined;
    const madeForThis = pending?.accountId === input.accountId && pending.phone === input.phone;
    const right = pending && madeForThis ? await matches(input.scope, pending, input.code.replace(/\s/g, '')) : false;
    // Spend it atomically: of two racing right answers, one takes the code.
    if (right && (await deps.transient.take(key(input.scope))) === raw) {
      await deps.guard.recordSuccess(input.accountId, 'sms');
      return true;
    }
    await deps.guard.recordFailure(input.accountId, 'sms');
    return false;
  }

  /** The code still working for this scope, if any (one that expired is no code at all). */
  async function pending(scope: string): Promise<PendingSms | undefined> {
    const raw = await deps.transient.get(key(scope));
    const code = raw ? (JSON.parse(raw) as PendingCode) : undefined;
    return code && code.expiresAt > deps.clock() ? { phone: code.phone, sentAt: code.sentAt, expiresAt: code.expiresAt } : undefined;
  }

  /** When this account may be texted again for this purpose (ms); undefined when it may now. */
  const nextSendAt = (purpose: SmsPurpose, accountId: string) => deps.budget.cooldownEndsAt(purpose, accountId);

  return { send, check, pending, nextSendAt };
}

export type SmsCodes = ReturnType<typeof createSmsCodes>;
