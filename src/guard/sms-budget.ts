import type { Audit } from '../audit/audit.ts';
import type { CounterStore } from './counter-store.ts';

export interface SmsBudgetLimits {
  /** Seconds between two codes for one account. */
  resendCooldownSeconds: number;
  perAccountPerHour: number;
  perNumberPerDay: number;
  perIpPerHour: number;
  /** Every text this deployment sends in an hour; past it the breaker is open. */
  globalPerHour: number;
}

export type SmsRefusal = 'SMS_COOLDOWN' | 'SMS_ACCOUNT_CAP' | 'SMS_NUMBER_CAP' | 'SMS_IP_CAP' | 'SMS_UNAVAILABLE';

const HOUR = 3600;
const DAY = 86_400;

/**
 * SMS pumping / toll-fraud protection (OWASP ASVS 5.0 V6, Authentication): every limit is a counter in the
 * store, so it holds across instances. A send is reserved before it happens: each counter is
 * incremented first and the send refused if that went past its cap, so two instances racing
 * for the last message cannot both have it. Refused attempts count too (they never reach
 * Twilio), which only makes the limits stricter.
 */
export interface SmsBudget {
  reserve(input: { accountId: string; phone: string; ip: string }): Promise<SmsRefusal | undefined>;
}

export function createSmsBudget(counters: CounterStore, limits: SmsBudgetLimits, audit: Audit): SmsBudget {
  const globalKey = 'sms:global';
  return {
    async reserve({ accountId, phone, ip }) {
      if ((await counters.increment(`sms:cooldown:${accountId}`, limits.resendCooldownSeconds)) > 1) return 'SMS_COOLDOWN';
      if ((await counters.increment(`sms:account:${accountId}`, HOUR)) > limits.perAccountPerHour) return 'SMS_ACCOUNT_CAP';
      if ((await counters.increment(`sms:number:${phone}`, DAY)) > limits.perNumberPerDay) return 'SMS_NUMBER_CAP';
      if ((await counters.increment(`sms:ip:${ip}`, HOUR)) > limits.perIpPerHour) return 'SMS_IP_CAP';
      const sent = await counters.increment(globalKey, HOUR);
      if (sent > limits.globalPerHour) {
        // Logged once, when the budget runs out; then sends stop until the hour's window closes.
        if (sent === limits.globalPerHour + 1) audit({ event: 'sms.breaker.open', details: { reason: 'global hourly SMS budget spent', budget: limits.globalPerHour } }, 'warn');
        return 'SMS_UNAVAILABLE';
      }
      return undefined;
    },
  };
}
