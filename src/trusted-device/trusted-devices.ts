import { randomBytes, randomUUID } from 'node:crypto';
import { macRing } from '../crypto/mac-ring.ts';
import { systemClock, type Clock } from '../clock.ts';
import { deviceLabel } from './device-label.ts';
import type { TrustedDevice, TrustedDeviceStore } from './trusted-device-store.ts';

/** 256 bits: far past the 128 bits an opaque bearer value needs (OWASP ASVS 5.0 V7, Session Management). */
const TOKEN_BYTES = 32;

export interface TrustedDevicesDeps {
  store: TrustedDeviceStore;
  /** Server secrets for the token hashes, newest first (mac-ring.ts). */
  secrets: readonly string[];
  /** Expiry and last use. */
  clock: Clock;
  /**
   * When the trust began, in the time base it is compared with: password changes and "sign out
   * everywhere", which follow oidc-provider's own (system) clock.
   */
  sessionClock?: Clock;
  trustSeconds: number;
}

/** What makes a trusted device still count for an account right now. */
export interface TrustConditions {
  accountId: string;
  epoch: number;
  /** Sessions and devices from before this (ms): the last password change or "sign out everywhere". */
  validAfter: number;
}

/**
 * "Trust this device": an opaque random token in the browser's cookie, only its HMAC-SHA-256 in
 * the store with the account, the security epoch, the label and the times. Never an account id
 * in the cookie: a token only ever speaks for the account it was issued to.
 */
export function createTrustedDevices(deps: TrustedDevicesDeps) {
  const hashes = macRing(deps.secrets);
  /** The device a token names, found under whichever secret made its hash. */
  async function deviceOf(token: string): Promise<TrustedDevice | undefined> {
    for (const hash of hashes.all(token)) {
      const device = await deps.store.findByTokenHash(hash);
      if (device) return device;
    }
    return undefined;
  }
  const wellFormed = (token: string | undefined): token is string => typeof token === 'string' && /^[\w-]{43}$/.test(token);

  async function trust(accountId: string, epoch: number, userAgent: string): Promise<{ token: string; device: TrustedDevice }> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const now = deps.clock();
    const device: TrustedDevice = {
      id: randomUUID(),
      tokenHash: hashes.sign(token),
      accountId,
      epoch,
      label: deviceLabel(userAgent),
      createdAt: (deps.sessionClock ?? systemClock)(),
      lastUsedAt: now,
      expiresAt: now + deps.trustSeconds * 1000,
    };
    await deps.store.save(device);
    return { token, device };
  }

  /** The device when this token still lets this account skip the challenge; undefined otherwise. */
  async function check(token: string | undefined, conditions: TrustConditions): Promise<TrustedDevice | undefined> {
    if (!wellFormed(token)) return undefined;
    const device = await deviceOf(token);
    if (!device || device.accountId !== conditions.accountId) return undefined;
    if (device.epoch !== conditions.epoch || device.createdAt < conditions.validAfter) return undefined;
    return device;
  }

  /** The id of the device this token belongs to, to mark "this device" in a list. */
  async function idOf(token: string | undefined): Promise<string | undefined> {
    return wellFormed(token) ? (await deviceOf(token))?.id : undefined;
  }

  return {
    trust,
    check,
    idOf,
    touch: (id: string) => deps.store.touch(id, deps.clock()),
    list: (accountId: string) => deps.store.listForAccount(accountId),
    revoke: (accountId: string, id: string) => deps.store.revoke(accountId, id),
    revokeAll: (accountId: string) => deps.store.revokeAll(accountId),
    trustSeconds: deps.trustSeconds,
  };
}

export type TrustedDevices = ReturnType<typeof createTrustedDevices>;
