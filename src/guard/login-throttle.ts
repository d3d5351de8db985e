import { createHash } from 'node:crypto';
import type { CounterStore } from './counter-store.ts';

export interface LoginThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  failureWindowSeconds: number;
}

export type LoginGate = 'open' | 'account-locked' | 'ip-locked';

/**
 * Password failures, counted per login name and per client IP in the store (NIST SP 800-63B
 * §3.2.2 rate limiting; OWASP ASVS 5.0 V6.3.1). Counted by the submitted name whether or not
 * it exists, so the lock itself reveals nothing. Code failures are counted elsewhere, apart.
 */
export interface LoginThrottle {
  gate(login: string, ip: string): Promise<LoginGate>;
  recordFailure(login: string, ip: string): Promise<void>;
  recordSuccess(login: string): Promise<void>;
}

/** Keys hold a digest, not the email: counters are not a second copy of the directory. */
function keyFor(kind: 'account' | 'ip', value: string): string {
  return `login-failures:${kind}:${createHash('sha256').update(value).digest('base64url')}`;
}

export function createLoginThrottle(counters: CounterStore, limits: LoginThrottleLimits): LoginThrottle {
  const window = limits.failureWindowSeconds;
  return {
    async gate(login, ip) {
      const [byAccount, byIp] = await Promise.all([counters.get(keyFor('account', login)), counters.get(keyFor('ip', ip))]);
      if (byIp >= limits.maxFailuresPerIp) return 'ip-locked';
      if (byAccount >= limits.maxFailuresPerAccount) return 'account-locked';
      return 'open';
    },
    async recordFailure(login, ip) {
      await Promise.all([counters.increment(keyFor('account', login), window), counters.increment(keyFor('ip', ip), window)]);
    },
    async recordSuccess(login) {
      await counters.reset(keyFor('account', login));
    },
  };
}
