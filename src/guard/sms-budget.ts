import type { Audit } from '../audit/audit.ts';
import type { CounterStore } from './counter-store.ts';

export interface SmsBudgetLimits {
  /** Seconds between two codes for one account (for one purpose). */
  resendCooldownSeconds: number;
  perAccountPerHour: number;
  perNumberPerDay: number;
  perIpPerHour: number;
  /** Every text this deployment sends in an hour; past it the breaker is open. */
  globalPerHour: number;
}

export type SmsRefusal = 'SMS_COOLDOWN' | 'SMS_ACCOUNT_CAP' | 'SMS_NUMBER_CAP' | 'SMS_IP_CAP' | 'SMS_UNAVAILABLE';

/**
 * Why a text is sent. `sign-in`: a code to the number the account holder already proved is
 * theirs. `setup`: a code to a number someone has just typed in, which nobody has proved yet.
 */
export type SmsPurpose = 'sign-in' | 'setup';

const HOUR = 3600;
const DAY = 86_400;

/**
 * The counters one purpose spends. Setup sends to a number that is not verified yet, so anyone
 * with an account can type someone else's number: those sends get their own per-number and
 * per-IP buckets, and a share of the global budget, so that no amount of setups can use up what
 * the number's owner needs to sign in. The per-account bucket is shared: it is the requester's
 * own. The cooldown is per purpose, so the first sign-in code right after a setup goes out.
 */
const cooldownKey = (purpose: SmsPurpose, accountId: string) => `sms:cooldown:${purpose}:${accountId}`;

function bucketsFor(purpose: SmsPurpose, accountId: string, phone: string, ip: string) {
  const tag = purpose === 'setup' ? 'setup-' : '';
  return {
    cooldown: cooldownKey(purpose, accountId),
    account: `sms:account:${accountId}`,
    number: `sms:${tag}number:${phone}`,
    ip: `sms:${tag}ip:${ip}`,
  };
}

const GLOBAL_KEY = 'sms:global';
const SETUP_GLOBAL_KEY = 'sms:setup-global';

/** Setups may use at most half of the hourly budget: the other half is always left for sign-ins. */
const setupShare = (globalPerHour: number) => Math.max(1, Math.floor(globalPerHour / 2));

/**
 * SMS pumping / toll-fraud protection (OWASP ASVS 5.0 V6, Authentication): every limit is a counter in the
 * store, so it holds across instances. A send is reserved before it happens: each counter is
 * incremented first and the send refused if that went past its cap, so two instances racing
 * for the last message cannot both have it. Refused attempts count too (they never reach
 * Twilio), which only makes the limits stricter; a refusal stops at the first full bucket, so
 * later buckets (and the global budget) are not spent by refused attempts.
 */
export interface SmsBudget {
  reserve(input: { purpose: SmsPurpose; accountId: string; phone: string; ip: string }): Promise<SmsRefusal | undefined>;
  /** When this account may have its next text of this purpose (ms), or undefined when it may now. */
  cooldownEndsAt(purpose: SmsPurpose, accountId: string): Promise<number | undefined>;
}

export function createSmsBudget(counters: CounterStore, limits: SmsBudgetLimits, audit: Audit): SmsBudget {
  /** One bucket: its counter, window and cap, the refusal when it is full, and what the audit says when a global one runs out. */
  interface Bucket { key: string; windowSeconds: number; cap: number; refusal: SmsRefusal; breaker?: string }

  function bucketList(purpose: SmsPurpose, accountId: string, phone: string, ip: string): Bucket[] {
    const keys = bucketsFor(purpose, accountId, phone, ip);
    return [
      { key: keys.cooldown, windowSeconds: limits.resendCooldownSeconds, cap: 1, refusal: 'SMS_COOLDOWN' },
      { key: keys.account, windowSeconds: HOUR, cap: limits.perAccountPerHour, refusal: 'SMS_ACCOUNT_CAP' },
      { key: keys.number, windowSeconds: DAY, cap: limits.perNumberPerDay, refusal: 'SMS_NUMBER_CAP' },
      { key: keys.ip, windowSeconds: HOUR, cap: limits.perIpPerHour, refusal: 'SMS_IP_CAP' },
      ...(purpose === 'setup'
        ? [{ key: SETUP_GLOBAL_KEY, windowSeconds: HOUR, cap: setupShare(limits.globalPerHour), refusal: 'SMS_UNAVAILABLE' as const, breaker: 'hourly SMS budget for setups spent' }]
        : []),
      { key: GLOBAL_KEY, windowSeconds: HOUR, cap: limits.globalPerHour, refusal: 'SMS_UNAVAILABLE', breaker: 'global hourly SMS budget spent' },
    ];
  }

  return {
    async reserve({ purpose, accountId, phone, ip }) {
      const buckets = bucketList(purpose, accountId, phone, ip);
      // Every bucket in one batch, in this order; the first one past its cap stops it, so later
      // buckets (and the global budget) are not spent by a refused attempt.
      const counts = await counters.batch(buckets.map((bucket) => ({ increment: bucket.key, windowSeconds: bucket.windowSeconds, stopAbove: bucket.cap })));
      const full = buckets.find((bucket, index) => counts[index]! > bucket.cap);
      // A global budget logs once, when it runs out; then sends stop until its window closes.
      if (full?.breaker && counts[buckets.indexOf(full)] === full.cap + 1) audit({ event: 'sms.breaker.open', details: { reason: full.breaker, budget: full.cap } }, 'warn');
      return full?.refusal;
    },
    cooldownEndsAt: (purpose, accountId) => counters.windowEndsAt(cooldownKey(purpose, accountId)),
  };
}

/**
 * Whether each global budget is spent right now (the breaker is open: the next text of that kind
 * is refused until the hour's window ends). For an operator's gauge; reads two counters, no write.
 */
export async function readSmsBreakers(counters: CounterStore, globalPerHour: number): Promise<{ all: boolean; setup: boolean }> {
  const [all, setup] = await counters.batch([{ get: GLOBAL_KEY }, { get: SETUP_GLOBAL_KEY }]);
  return { all: all! >= globalPerHour, setup: setup! >= setupShare(globalPerHour) };
}
