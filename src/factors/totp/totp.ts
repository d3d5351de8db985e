import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { hotp } from './hotp.ts';

/** RFC 6238 §5.2: a 30-second time step. */
export const TOTP_PERIOD_SECONDS = 30;
/** Six digits, SHA-1: what every authenticator app accepts (RFC 6238 §1.2, RFC 4226 §5.3). */
export const TOTP_DIGITS = 6;
/** RFC 4226 §4 R6: a shared secret of at least 128 bits, 160 recommended. */
export const TOTP_SECRET_BYTES = 20;
/** RFC 6238 §5.2: accept one step either side for clock drift and typing time. */
export const TOTP_DRIFT_STEPS = 1;

export function newTotpSecret(): Buffer {
  return randomBytes(TOTP_SECRET_BYTES);
}

export function timeStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

export function totpCode(secret: Buffer, step: number): string {
  return hotp(secret, step, TOTP_DIGITS);
}

/**
 * The time step a code belongs to, if it is right for one of now-1..now+1 and later than the
 * last step this account used (RFC 6238 §5.2: a step is accepted once). Every candidate is
 * compared in constant time, whether or not an earlier one matched.
 */
export function matchTotp(secret: Buffer, code: string, nowMs: number, lastAcceptedStep: number | null): number | undefined {
  const wellFormed = /^\d+$/.test(code) && code.length === TOTP_DIGITS;
  // Same-length buffers for timingSafeEqual; a malformed code is compared as one that never matches.
  const given = Buffer.from(wellFormed ? code : 'x'.repeat(TOTP_DIGITS));
  const now = timeStep(nowMs);
  let matched: number | undefined;
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step += 1) {
    const equal = timingSafeEqual(given, Buffer.from(totpCode(secret, step)));
    if (equal && matched === undefined && (lastAcceptedStep === null || step > lastAcceptedStep)) matched = step;
  }
  return wellFormed ? matched : undefined;
}

/** The key as an authenticator app reads it: RFC 4648 base32, shown in groups of four. */
export function base32Key(secret: Buffer): string {
  return new Secret({ buffer: new Uint8Array(secret).buffer }).base32;
}

export function groupedKey(secret: Buffer): string {
  return base32Key(secret).match(/.{1,4}/g)!.join(' ');
}

/** The otpauth:// URI an authenticator app scans (Key Uri Format): issuer, account, SHA1, 6 digits, 30 s. */
export function otpauthUri(secret: Buffer, issuer: string, accountName: string): string {
  return new TOTP({
    issuer,
    label: accountName,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: new Secret({ buffer: new Uint8Array(secret).buffer }),
  }).toString();
}
