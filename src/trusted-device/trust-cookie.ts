import type { Context } from 'koa';

/**
 * The `__Host-` prefix (RFC 6265bis §4.1.3.2) pins the cookie to our host with Path=/ and
 * Secure; browsers refuse it over plain http, so development on http://localhost uses the bare name.
 */
export function trustCookieName(secure: boolean): string {
  return secure ? '__Host-oidc-mfa-trusted' : 'oidc-mfa-trusted';
}

export function readTrustCookie(ctx: Context): string | undefined {
  return ctx.cookies.get(trustCookieName(ctx.secure)) ?? undefined;
}

export function writeTrustCookie(ctx: Context, token: string, maxAgeSeconds: number): void {
  ctx.cookies.set(trustCookieName(ctx.secure), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    maxAge: maxAgeSeconds * 1000,
    overwrite: true,
  });
}

export function clearTrustCookie(ctx: Context): void {
  ctx.cookies.set(trustCookieName(ctx.secure), null, { path: '/', secure: ctx.secure, overwrite: true });
}
