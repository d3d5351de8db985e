import type { Context, Middleware } from 'koa';
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
export function languageSwitch(paths: PluginPaths): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== LANGUAGE_PATH || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const wanted = ctx.query.to;
    const back = safeReturnPath(ctx.query.back ?? cameFrom(ctx, paths));
    // Made on a sign-in's page: that sign-in keeps it over its app's ui_locales (request-language.ts).
    if (isLocale(wanted)) writeLanguageCookie(ctx, { locale: wanted, signIn: /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:[/?]|$)/.exec(back)?.[1] });
    ctx.set('cache-control', 'no-store');
    ctx.status = 303;
    ctx.redirect(paths.to(back));
  };
}

/**
 * The page the link was followed from, when the switcher was given no `back` (a page whose own
 * address it does not repeat, such as an error after an authorization request): the Referer our
 * pages send to their own origin (`referrer` same-origin), inside the mount. Another origin's, or
 * none, gives nothing, and the person lands on the Security page.
 */
function cameFrom(ctx: Context, paths: PluginPaths): string | undefined {
  const referer = ctx.get('referer');
  if (!referer) return undefined;
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return undefined;
  }
  // Koa 3's ctx.origin is the Origin header; ours is the protocol and host this request came to.
  if (url.origin !== `${ctx.protocol}://${ctx.host}`) return undefined;
  if (paths.mount && url.pathname !== paths.mount && !url.pathname.startsWith(`${paths.mount}/`)) return undefined;
  return `${url.pathname.slice(paths.mount.length) || '/'}${url.search}`;
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
  // Slashes are allowed in a query (RFC 3986 §3.4): the path stays readable, as every other link to the page.
  const back = here ? `&back=${encodeURIComponent(here).replace(/%2F/g, '/')}` : '';
  return { href: paths.to(`${LANGUAGE_PATH}?to=${other}${back}`), label: translate(other, 'language.name'), locale: other };
}
