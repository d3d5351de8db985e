import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

function macOf(secret: string, deviceId: string, issuedAt: number, login: string): Buffer {
  return createHmac('sha256', secret).update(`login-device v1\n${deviceId}\n${issuedAt}\n${loginDigest(login)}`).digest();
}

export function signDeviceToken(secret: string, token: DeviceToken, login: string): string {
  return `${token.deviceId}.${token.issuedAt}.${macOf(secret, token.deviceId, token.issuedAt, login).toString('base64url')}`;
}

/** The token when it was signed by us, for this login, and is younger than maxAgeMs; otherwise undefined. */
export function verifyDeviceToken(secret: string, value: string | undefined, login: string, now: number, maxAgeMs: number): DeviceToken | undefined {
  const match = /^([\w-]{22})\.(\d{1,15})\.([\w-]{43})$/.exec(value ?? '');
  if (!match) return undefined;
  const [, deviceId, issued, mac] = match as unknown as [string, string, string, string];
  const issuedAt = Number(issued);
  // Compared as text: decoding first would accept other spellings of the same bytes (the last
  // base64url character carries two unused bits), so one cookie would have four valid forms.
  const expected = Buffer.from(macOf(secret, deviceId, issuedAt, login).toString('base64url'));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (issuedAt > now || now - issuedAt > maxAgeMs) return undefined;
  return { deviceId, issuedAt };
}
