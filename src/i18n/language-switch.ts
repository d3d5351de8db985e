import type { Middleware } from 'koa';
import type { PluginPaths } from '../http/plugin-paths.ts';
import { writeLanguageCookie } from './language-cookie.ts';
import { isLocale, type Locale } from './locales.ts';
import { currentLocale, currentPage, inLanguageScope } from './request-language.ts';
import { translate } from './translate.ts';

/** The switcher's address inside the mount. */
export const LANGUAGE_PATH = '/language';

/** Where the switcher returns when it was given nowhere (or nowhere it may go): a page every deployment of the plugin has. */
const FALLBACK_PAGE = '/account/security';

/**
 * The page to return to: a path of ours inside the mount, never anywhere else. A leading `//` or
 * a backslash (`/\evil`, which browsers read as `//evil`), a scheme, control characters, or the
 * same hidden by percent-encoding would make the redirect leave the site (an open redirect,
 * OWASP ASVS 5.0 V3); any of them sends the person to the Security page instead.
 */
export function safeReturnPath(input: unknown): string {
  if (typeof input !== 'string' || input.length === 0 || input.length > 1000) return FALLBACK_PAGE;
  let decoded: string;
  try {
    decoded = decodeURIComponent(input);
  } catch {
    return FALLBACK_PAGE;
  }
  for (const form of [input, decoded]) {
    if (!form.startsWith('/') || form.startsWith('//') || form.includes('\\') || /[\u0000-\u001f\u007f]/.test(form)) return FALLBACK_PAGE;
  }
  // Only what a path and query are made of (RFC 3986 §3.3, §3.4); never a fragment.
  return /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/.test(input) ? input : FALLBACK_PAGE;
}

/**
 * `GET /language?to=fr-CA&back=/interaction/…`: remembers the choice in a cookie and sends the
 * person back to the page they were on (303), where it now shows in that language. A plain link,
 * so it works without JavaScript. A GET that changes a cookie is safe to leave without a CSRF
 * token: the worst a forged link can do is show our pages in the other of our two languages, and
 * the redirect can only go to one of our own paths (safeReturnPath).
 */
export function languageSwitch(paths: PluginPaths, now: () => number = Date.now): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== LANGUAGE_PATH || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const wanted = ctx.query.to;
    if (isLocale(wanted)) writeLanguageCookie(ctx, wanted, now());
    ctx.set('cache-control', 'no-store');
    ctx.status = 303;
    ctx.redirect(paths.to(safeReturnPath(ctx.query.back)));
  };
}

/** What every page's switcher shows: a link to the other language, named in that language. */
export interface LanguageSwitcher {
  href: string;
  /** "Français" on English pages, "English" on French ones. */
  label: string;
  /** The language of the label and of the page it leads to (for `lang` and `hreflang`). */
  locale: Locale;
}

/** Undefined outside our language scope (the demo app's pages): no switcher there. */
export function switcherFor(paths: PluginPaths): LanguageSwitcher | undefined {
  if (!inLanguageScope()) return undefined;
  const other: Locale = currentLocale() === 'en' ? 'fr-CA' : 'en';
  const here = currentPage();
  const query = new URLSearchParams({ to: other, ...(here ? { back: here } : {}) });
  return { href: paths.to(`${LANGUAGE_PATH}?${query}`), label: translate(other, 'language.name'), locale: other };
}
