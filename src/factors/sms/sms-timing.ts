import type { SmsLimits } from '../../config/settings-schema.ts';

/** What the text-message pages tell people: how long a code lasts, how long to wait before another. */
export interface SmsTiming {
  codeMinutes: number;
  cooldownSeconds: number;
}

export function smsTimingOf(limits: Pick<SmsLimits, 'codeTtlSeconds' | 'resendCooldownSeconds'>): SmsTiming {
  return { codeMinutes: Math.round(limits.codeTtlSeconds / 60), cooldownSeconds: limits.resendCooldownSeconds };
}
