import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, Middleware } from 'koa';
import { DEFAULT_LOCALE, localeOfAcceptLanguage, localeOfUiLocales, type Locale } from './locales.ts';
import { readLanguageCookie } from './language-cookie.ts';

/**
 * The language of the request being answered. It lives in its own AsyncLocalStorage rather than
 * being passed down: the wording is chosen deep inside code that has no request at hand (an
 * error's message, a factor's label, a wait in words, the text message with a code), and threading
 * a locale through every one of those signatures would touch every step and factor for no gain in
 * safety — the value is set once at the top of the request and only read below. It is kept apart
 * from request-scope.ts's memo of store reads, which has a different job (and is cleared on
 * writes). Outside a request (the CLI, a unit test calling a service) the default, English, holds.
 */
interface RequestLanguage {
  locale: Locale;
  /** The sign-in the switcher's choice was made in, if it was made on one of its pages. */
  chosenIn: string | undefined;
  /** The page the switcher brings the person back to: this GET's own address, or the sign-in's page. */
  here: string | undefined;
}

const scope = new AsyncLocalStorage<RequestLanguage>();

/** Our own pages' shapes: the home page, the Security pages, a sign-in's pages (no query, no percent-encoding). */
const OWN_PAGE = /^\/(account(\/[a-z0-9/-]*)?|interaction\/[A-Za-z0-9_-]{1,64}(\/[a-z0-9/-]*)?)?$/;

/** Our pages that are nothing without their query. */
const NEEDS_QUERY: ReadonlySet<string> = new Set(['/account/password/reset']);

/**
 * Where a page is, inside the mount, when the switcher should come back to it: only a GET of one of
 * our own pages' shapes, so a page never writes back into a link anything else its request carried
 * (an authorization request's query, an unknown path). For any other page the switcher leaves
 * `back` out and its route returns to the page the browser says it came from (language-switch.ts).
 */
function hereOf(ctx: Context): string | undefined {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return undefined;
  // The Security page's sign-in callback answers once (its state is spent): its page leads back to the Security page.
  if (ctx.path === '/account/callback') return '/account/security';
  // A page that needs its query (a password reset's link token) is not repeated: the Referer brings the person back.
  if (ctx.querystring && NEEDS_QUERY.has(ctx.path)) return undefined;
  return OWN_PAGE.test(ctx.path) ? ctx.path : undefined;
}

/**
 * Before the interaction is known: the switcher's cookie, else Accept-Language (RFC 9110
 * §12.5.4), else English. followSignIn() then puts the app's `ui_locales` first for a sign-in.
 */
export function languageScope(): Middleware {
  return (ctx, next) => {
    const chosen = readLanguageCookie(ctx);
    const locale = chosen?.locale ?? localeOfAcceptLanguage(ctx.get('accept-language')) ?? DEFAULT_LOCALE;
    return scope.run({ locale, chosenIn: chosen?.signIn, here: hereOf(ctx) }, next);
  };
}

/** The language of the request being answered; English outside a request. */
export function currentLocale(): Locale {
  return scope.getStore()?.locale ?? DEFAULT_LOCALE;
}

/** Whether this request went through languageScope (the demo app, a separate Koa app, does not: it has no switcher). */
export function inLanguageScope(): boolean {
  return scope.getStore() !== undefined;
}

/** The page the language switcher returns to (inside the mount), or undefined when this answer has none. */
export function currentPage(): string | undefined {
  return scope.getStore()?.here;
}

/**
 * A request of a sign-in: the app's `ui_locales` (OpenID Connect Core §3.1.2.1), kept in the
 * interaction's params for the whole sign-in, comes before the cookie — unless the person used the
 * switcher on this very sign-in (`uid`): their own later choice is the one they expect to see
 * kept. `page` is the sign-in's page, for a POST's answer that has no address of its own.
 */
export function followSignIn(uiLocales: unknown, uid: string | undefined, page?: string): void {
  const state = scope.getStore();
  if (!state) return;
  if (!state.here && page) state.here = page;
  const asked = localeOfUiLocales(uiLocales);
  if (!asked) return;
  if (uid !== undefined && state.chosenIn === uid) return;
  state.locale = asked;
}
