import type { Context } from 'koa';
import { t } from '../i18n/translate.ts';
import type { PluginPaths } from './plugin-paths.ts';

/** A link an error page offers: where the person can go from here. */
export interface WayOn {
  href: string;
  text: string;
}

/** The operator's support contact (SUPPORT_URL, SUPPORT_EMAIL), when configured. */
export interface SupportContact {
  url: string | null;
  email: string | null;
}

/**
 * Our own pages' links (the Security page, "Try again", an AppError's link) are written as paths
 * inside the mount (`/account/security`); this gives one the mount prefix the browser needs.
 */
export function ownWay(paths: PluginPaths, way: WayOn): WayOn;
export function ownWay(paths: PluginPaths, way: WayOn | undefined): WayOn | undefined;
export function ownWay(paths: PluginPaths, way: WayOn | undefined): WayOn | undefined {
  return way && { ...way, href: paths.to(way.href) };
}

/** The Security page: always there, and the one place a person can go on their own. */
export const SECURITY_PAGE_PATH = '/account/security';

/** The way to the Security page, worded in the request's language. */
export function securityPageWay(): WayOn {
  return { href: SECURITY_PAGE_PATH, text: t('ways.securityPage') };
}

/** "Back to <app>": its registered home, found by clientHomeOf. */
export function backToApp(app: { name: string; href: string }): WayOn {
  return { href: app.href, text: t('ways.backToApp', { app: app.name }) };
}

/**
 * "Try again" for a GET that failed on our side: the same address, as a path inside the mount.
 * Collapsing leading slashes keeps a request for `//evil.example/x` from becoming a link off-site.
 */
export function tryAgain(ctx: Context): WayOn | undefined {
  if (ctx.method !== 'GET') return undefined;
  const path = `/${ctx.path.replace(/^[/\\]+/, '')}`;
  if (path.includes('\\')) return undefined;
  return { href: ctx.querystring ? `${path}?${ctx.querystring}` : path, text: t('ways.tryAgain') };
}

export function supportWays(support: SupportContact | undefined): WayOn[] {
  const ways: WayOn[] = [];
  if (support?.url) ways.push({ href: support.url, text: t('ways.contactSupport') });
  if (support?.email) ways.push({ href: `mailto:${support.email}`, text: t('ways.emailSupport', { email: support.email }) });
  return ways;
}

/** In order, without repeats (the same address offered twice helps nobody). */
export function distinctWays(ways: (WayOn | undefined)[]): WayOn[] {
  const seen = new Set<string>();
  return ways.filter((way): way is WayOn => {
    if (!way || seen.has(way.href)) return false;
    seen.add(way.href);
    return true;
  });
}
