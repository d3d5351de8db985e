import type { Context } from 'koa';
import { isLocale, type Locale } from './locales.ts';

/**
 * The switcher's choice: `fr-CA`, or `fr-CA.<uid>` when it was made on a page of the sign-in
 * `uid`, so that sign-in keeps it over the app's ui_locales while a later sign-in does not
 * (request-language.ts). Told apart by the interaction, not by the time: oidc-provider keeps an
 * interaction's start in whole seconds, too coarse to order against a click. Nothing secret and
 * nothing about the account (a sign-in's uid is in its pages' addresses); a forged one can only
 * pick one of our two languages. `__Host-` over https (RFC 6265bis §4.1.3.2), like the
 * trusted-device cookie.
 */
export function languageCookieName(secure: boolean): string {
  return secure ? '__Host-oidc-mfa-lang' : 'oidc-mfa-lang';
}

/** A year: a language is a lasting preference. */
const KEEP_MS = 365 * 86_400_000;

export interface LanguageChoice {
  locale: Locale;
  /** The sign-in it was made in, if it was made on one of its pages. */
  signIn: string | undefined;
}

export function readLanguageCookie(ctx: Context): LanguageChoice | undefined {
  const raw = ctx.cookies.get(languageCookieName(ctx.secure));
  const match = raw ? /^([A-Za-z-]{2,8})(?:\.([A-Za-z0-9_-]{1,64}))?$/.exec(raw) : null;
  if (!match || !isLocale(match[1])) return undefined;
  return { locale: match[1], signIn: match[2] };
}

export function writeLanguageCookie(ctx: Context, choice: LanguageChoice): void {
  ctx.cookies.set(languageCookieName(ctx.secure), choice.signIn ? `${choice.locale}.${choice.signIn}` : choice.locale, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    maxAge: KEEP_MS,
    overwrite: true,
  });
}
