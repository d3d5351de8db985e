import { createHmac } from 'node:crypto';
import { macRing } from '../crypto/mac-ring.ts';

/**
 * CSRF tokens bound to what the form belongs to (an interaction uid, a console session):
 * HMAC-SHA-256 under a server key, so a token from another interaction or forged by hand
 * fails (OWASP ASVS 5.0 V3, Web Frontend Security). The interaction itself is bound to its cookie by oidc-provider.
 */
export interface Csrf {
  tokenFor(scope: string): string;
  verify(scope: string, token: string): boolean;
}

/** `secrets`, newest first: tokens are made with the first, accepted under any (rotation, mac-ring.ts). */
export function createCsrf(secrets: readonly string[]): Csrf {
  const ring = macRing(secrets, (secret) => createHmac('sha256', secret).update('oidc-mfa csrf v1').digest());
  return { tokenFor: (scope) => ring.sign(scope), verify: (scope, token) => ring.verify(scope, token) };
}
