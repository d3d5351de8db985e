import type { Context } from 'koa';
import { isLocale, type Locale } from './locales.ts';

/**
 * The switcher's choice: `fr-CA.1764748800000`, the locale and when it was chosen (ms), so a
 * sign-in can tell a choice made during it from one made before (request-language.ts). Nothing
 * secret and nothing about the account; a forged one can only pick one of our two languages.
 * `__Host-` over https (RFC 6265bis §4.1.3.2), like the trusted-device cookie.
 */
export function languageCookieName(secure: boolean): string {
  return secure ? '__Host-oidc-mfa-lang' : 'oidc-mfa-lang';
}

/** A year: a language is a lasting preference. */
const KEEP_MS = 365 * 86_400_000;

export function readLanguageCookie(ctx: Context): { locale: Locale; at: number } | undefined {
  const raw = ctx.cookies.get(languageCookieName(ctx.secure));
  const match = raw ? /^([A-Za-z-]{2,8})\.(\d{1,15})$/.exec(raw) : null;
  if (!match || !isLocale(match[1])) return undefined;
  return { locale: match[1], at: Number(match[2]) };
}

export function writeLanguageCookie(ctx: Context, locale: Locale, now: number): void {
  ctx.cookies.set(languageCookieName(ctx.secure), `${locale}.${now}`, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    maxAge: KEEP_MS,
    overwrite: true,
  });
}
