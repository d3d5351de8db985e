import { createHash } from 'node:crypto';
import type { CounterStore } from './counter-store.ts';

export interface LoginThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  failureWindowSeconds: number;
}

export type LoginGate = 'open' | 'account-locked' | 'ip-locked';

/**
 * Password attempts, counted per login name and per client IP in the store (NIST SP 800-63B
 * §3.2.2 rate limiting; OWASP ASVS 5.0 V6, Authentication). Counted by the submitted name whether or not
 * it exists, so the lock itself reveals nothing. Code failures are counted elsewhere, apart.
 *
 * Per account, every attempt is reserved with an atomic increment *before* the password is
 * checked, so parallel guesses cannot all pass the gate before the first failure counts; a
 * success clears the count. Per IP only failures count (an office behind one address signs
 * in many times), so a burst there can overshoot by the requests already in flight.
 */
export interface LoginThrottle {
  /** Reserves an attempt for this name; says whether the password may be checked at all. */
  attempt(login: string, ip: string): Promise<LoginGate>;
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
    async attempt(login, ip) {
      if ((await counters.get(keyFor('ip', ip))) >= limits.maxFailuresPerIp) return 'ip-locked';
      const attempts = await counters.increment(keyFor('account', login), window);
      return attempts > limits.maxFailuresPerAccount ? 'account-locked' : 'open';
    },
    async recordFailure(_login, ip) {
      await counters.increment(keyFor('ip', ip), window);
    },
    async recordSuccess(login) {
      await counters.reset(keyFor('account', login));
    },
  };
}
