import type { Context } from 'koa';

/**
 * The sign-in device cookie (see device-token.ts). Like the trusted-device cookie: `__Host-`
 * (RFC 6265bis §4.1.3.2) with Secure over https, the bare name on http://localhost where
 * browsers refuse the prefix; HttpOnly; SameSite=Lax. One per browser: the last login name
 * signed in with there.
 */
export function loginDeviceCookieName(secure: boolean): string {
  return secure ? '__Host-oidc-mfa-device' : 'oidc-mfa-device';
}

export function readLoginDeviceCookie(ctx: Context): string | undefined {
  return ctx.cookies.get(loginDeviceCookieName(ctx.secure)) ?? undefined;
}

export function writeLoginDeviceCookie(ctx: Context, value: { token: string; maxAgeSeconds: number }): void {
  ctx.cookies.set(loginDeviceCookieName(ctx.secure), value.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    maxAge: value.maxAgeSeconds * 1000,
    overwrite: true,
  });
}
