import { macRing } from '../crypto/mac-ring.ts';
import { systemClock, type Clock } from '../clock.ts';
import { createCheckSlots } from './check-slots.ts';
import type { CounterStore } from './counter-store.ts';
import { loginDigest, newDeviceId, signDeviceToken, verifyDeviceToken } from './device-token.ts';

export interface LoginThrottleLimits {
  /** Wrong passwords within the window before a name locks (and, apart, before a device cookie stops counting). */
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  failureWindowSeconds: number;
}

export type LoginGate = 'open' | 'account-locked' | 'ip-locked';

/** One password submission, from the gate to its outcome. */
export interface LoginAttempt {
  /** 'open': the password may be checked. Otherwise it must not be (verify a dummy hash instead). */
  gate: LoginGate;
  /** The password was wrong (or not checked): count it. */
  failed(): Promise<void>;
  /** The password was right: frees the check and returns the device cookie to set on this browser. */
  succeeded(): Promise<{ token: string; maxAgeSeconds: number }>;
}

/**
 * Password attempts (NIST SP 800-63B §3.2.2 rate limiting; OWASP ASVS 5.0 V6), counted in the
 * store, so limits hold across instances and restarts. Three counts:
 *
 * - per client IP: failures only (an office behind one address signs in many times); a burst
 *   there can overshoot by the requests already in flight;
 * - per login name, whether or not the account exists (the lock reveals nothing): at most
 *   `maxFailuresPerAccount` failures in the window, reserved through check-slots.ts so no
 *   parallel burst can have more passwords checked than failures remain, while right passwords
 *   never consume the budget;
 * - per device: anyone can trip a name's lock, so it must not lock the owner out of a browser
 *   they have used (DESIGN.md; OWASP "Slow down online guessing attacks with device cookies").
 *   A browser whose device cookie is valid *for this name* is counted on its own budget instead
 *   of the name's; a device that uses its budget up is no longer trusted and falls back to the
 *   name's lock.
 */
export interface LoginThrottle {
  attempt(login: string, ip: string, deviceCookie?: string): Promise<LoginAttempt>;
  /**
   * A sign-in that names no login (a passkey picked from the device): only the address's count
   * applies. 'ip-locked' once the address has `maxFailuresPerIp` failures, of passwords or of
   * these; each failure counts there too, so neither way adds to what the other allows.
   */
  addressAttempt(ip: string): Promise<AddressAttempt>;
}

export interface AddressAttempt {
  gate: 'open' | 'ip-locked';
  failed(): Promise<void>;
}

/** How long a device cookie vouches for a browser after its last successful sign-in. */
export const DEVICE_COOKIE_DAYS = 180;

export interface LoginThrottleOptions {
  /** Server secrets for device cookies, newest first (mac-ring.ts). */
  secrets: readonly string[];
  clock?: Clock;
}

const ipKey = (ip: string) => `login-failures:ip:${loginDigest(ip)}`;

export function createLoginThrottle(counters: CounterStore, limits: LoginThrottleLimits, options: LoginThrottleOptions): LoginThrottle {
  const clock = options.clock ?? systemClock;
  const macs = macRing(options.secrets);
  const slots = createCheckSlots(counters, { limit: limits.maxFailuresPerAccount, failureWindowSeconds: limits.failureWindowSeconds });
  const maxAgeSeconds = DEVICE_COOKIE_DAYS * 86_400;
  const countIpFailure = (ip: string) => counters.increment(ipKey(ip), limits.failureWindowSeconds).then(() => undefined);

  const refused = (gate: LoginGate, ip: string): LoginAttempt => ({
    gate,
    // A refusal by IP is not counted again; a locked name still counts against its address.
    failed: gate === 'ip-locked' ? async () => {} : () => countIpFailure(ip),
    succeeded: () => Promise.reject(new Error(`a ${gate} attempt cannot succeed`)),
  });

  return {
    async addressAttempt(ip) {
      if ((await counters.get(ipKey(ip))) >= limits.maxFailuresPerIp) return { gate: 'ip-locked', failed: async () => {} };
      return { gate: 'open', failed: () => countIpFailure(ip) };
    },

    async attempt(login, ip, deviceCookie) {
      // The address's failures are read with the first reservation's first try (one round trip); a
      // refusal by address holds nothing.
      const ipGate = { key: ipKey(ip), limit: limits.maxFailuresPerIp };
      const device = verifyDeviceToken(macs, deviceCookie, login, clock(), maxAgeSeconds * 1000);
      const onDevice = device ? await slots.reserve(`device:${device.deviceId}`, ipGate) : 'locked';
      if (onDevice === 'gated') return refused('ip-locked', ip);
      const reservation = onDevice !== 'locked' ? onDevice : await slots.reserve(`account:${loginDigest(login)}`, device ? undefined : ipGate);
      if (reservation === 'gated') return refused('ip-locked', ip);
      if (reservation === 'locked') return refused('account-locked', ip);
      // A device still within its budget keeps its id (and its count); otherwise this browser gets a new one.
      const deviceId = device && onDevice !== 'locked' ? device.deviceId : newDeviceId();
      return {
        gate: 'open',
        async failed() {
          await Promise.all([reservation.fail(), countIpFailure(ip)]);
        },
        async succeeded() {
          await reservation.succeed();
          return { token: signDeviceToken(macs, { deviceId, issuedAt: clock() }, login), maxAgeSeconds };
        },
      };
    },
  };
}
