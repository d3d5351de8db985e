import type { Middleware } from 'koa';

/**
 * Our pages load nothing from elsewhere and run no inline code; none may be framed
 * (clickjacking: OWASP ASVS 5.0 V3, Web Frontend Security). No form-action: the consent POST redirects on to the
 * relying app, and browsers check form-action on those redirects too.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    await next();
    // oidc-provider sets its own CSP on the few pages it renders with inline script (form_post).
    if (!ctx.response.get('content-security-policy')) ctx.set('content-security-policy', CONTENT_SECURITY_POLICY);
    ctx.set('x-frame-options', 'DENY');
    ctx.set('x-content-type-options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer, browsers send `Origin: null` on our own form posts.
    ctx.set('referrer-policy', 'same-origin');
    ctx.set('cross-origin-opener-policy', 'same-origin');
    if (ctx.response.is('html') && !ctx.response.get('cache-control')) ctx.set('cache-control', 'no-store');
  };
}
