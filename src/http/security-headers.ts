import type { Middleware } from 'koa';

/**
 * Our pages load nothing from elsewhere and run no inline code; none may be framed
 * (clickjacking: OWASP ASVS 5.0 V3, Web Frontend Security). No form-action: the consent POST redirects on to the
 * relying app, and browsers check form-action on those redirects too.
 */
export function contentSecurityPolicy(imageSources: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // A brand logo hosted elsewhere (settings.logoUrl): its origin, and nothing else of it.
    ["img-src 'self' data:", ...imageSources].join(' '),
    "connect-src 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** The paths of the plugin's own pages and files: its sign-in steps, the Security page, its stylesheet and script. */
export function isPluginPath(path: string): boolean {
  return path.startsWith('/interaction/') || path === '/account' || path.startsWith('/account/') || path.startsWith('/static/');
}

/**
 * Set before anything else runs, so that every answer carries them — error pages included —
 * and so that oidc-provider, which adds the hash of its form_post auto-submit script to a CSP
 * already on the response, can do so.
 */
export function securityHeaders(options: { only?: (path: string) => boolean; imageSources?: readonly string[] } = {}): Middleware {
  const policy = contentSecurityPolicy(options.imageSources);
  return async (ctx, next) => {
    // A plugin host's own pages keep the headers it chose; the hosted provider applies them everywhere.
    if (options.only && !options.only(ctx.path)) return next();
    ctx.set('content-security-policy', policy);
    ctx.set('x-frame-options', 'DENY');
    ctx.set('x-content-type-options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer, browsers send `Origin: null` on our own form posts.
    ctx.set('referrer-policy', 'same-origin');
    ctx.set('cross-origin-opener-policy', 'same-origin');
    await next();
    if (ctx.response.is('html') && !ctx.response.get('cache-control')) ctx.set('cache-control', 'no-store');
  };
}
