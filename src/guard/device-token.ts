import { createHash, randomBytes } from 'node:crypto';
import type { MacRing } from '../crypto/mac-ring.ts';

/**
 * The device cookie of OWASP's "Slow down online guessing attacks with device cookies": proof
 * that this browser signed in to this login name before. `<deviceId>.<issuedAt>.<mac>`, the MAC
 * an HMAC-SHA-256 under a server key over the id, the time and a digest of the login name — so
 * the cookie names no email, and one made for account A is worth nothing for account B.
 */
export interface DeviceToken {
  deviceId: string;
  issuedAt: number;
}

/** 128 random bits (NIST SP 800-63B §3.1.2 floor for secrets guessed online is far lower). */
export function newDeviceId(): string {
  return randomBytes(16).toString('base64url');
}

export function loginDigest(login: string): string {
  return createHash('sha256').update(login).digest('base64url');
}

const macData = (deviceId: string, issuedAt: number, login: string) => `login-device v1\n${deviceId}\n${issuedAt}\n${loginDigest(login)}`;

/** Signed with the newest of the device-cookie secrets. */
export function signDeviceToken(macs: MacRing, token: DeviceToken, login: string): string {
  return `${token.deviceId}.${token.issuedAt}.${macs.sign(macData(token.deviceId, token.issuedAt, login))}`;
}

/** The token when it was signed by us, for this login, and is younger than maxAgeMs; otherwise undefined. */
export function verifyDeviceToken(macs: MacRing, value: string | undefined, login: string, now: number, maxAgeMs: number): DeviceToken | undefined {
  const match = /^([\w-]{22})\.(\d{1,15})\.([\w-]{43})$/.exec(value ?? '');
  if (!match) return undefined;
  const [, deviceId, issued, mac] = match as unknown as [string, string, string, string];
  const issuedAt = Number(issued);
  // Compared as text: decoding first would accept other spellings of the same bytes (the last
  // base64url character carries two unused bits), so one cookie would have four valid forms.
  if (!macs.verify(macData(deviceId, issuedAt, login), mac)) return undefined;
  if (issuedAt > now || now - issuedAt > maxAgeMs) return undefined;
  return { deviceId, issuedAt };
}
