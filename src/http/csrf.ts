import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens bound to what the form belongs to (an interaction uid, a console session):
 * HMAC-SHA-256 under a server key, so a token from another interaction or forged by hand
 * fails (OWASP ASVS 5.0 V3, Web Frontend Security). The interaction itself is bound to its cookie by oidc-provider.
 */
export interface Csrf {
  tokenFor(scope: string): string;
  verify(scope: string, token: string): boolean;
}

export function createCsrf(secret: string): Csrf {
  const key = createHmac('sha256', secret).update('oidc-mfa csrf v1').digest();
  const tokenFor = (scope: string) => createHmac('sha256', key).update(scope).digest('base64url');
  return {
    tokenFor,
    verify(scope, token) {
      const expected = Buffer.from(tokenFor(scope));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
