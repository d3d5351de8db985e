import type { Context, Middleware } from 'koa';
import { sendError } from './error-pages.ts';
import type { PluginPaths } from './plugin-paths.ts';
import type { RenderPage } from './views.ts';
import { t } from '../i18n/translate.ts';

/** The last value of a comma-separated header: the one our own proxy appended (RFC 7239 §5.2 ordering). */
export function lastHopValue(header: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(header) ? header.join(',') : header;
  const values = (joined ?? '').split(',').map((value) => value.trim()).filter(Boolean);
  return values.at(-1);
}

/** `host[:port]` as a URL would print it for this scheme (lower case, default port dropped); null when not a host. */
function canonicalHost(host: string, protocol: string): string | null {
  // A Host is a name or address and an optional port (RFC 9110 §7.2): no userinfo, path or query.
  if (!/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return null;
  try {
    const url = new URL(`${protocol}//${host}`);
    return url.host;
  } catch {
    return null;
  }
}

/**
 * Answers only requests for the issuer's own host (OWASP ASVS 5.0 V13 / WSTG-INPV-17, Host header
 * injection): oidc-provider builds discovery endpoints and redirects from the request's host, so
 * an answer to `Host: evil.example` would publish the attacker's URLs under our issuer.
 *
 * Without a trusted proxy the `Host` header is what counts. With one (`app.proxy`, TRUST_PROXY),
 * only the *last* X-Forwarded-Host / X-Forwarded-Proto value counts — the one our balancer
 * appended; Koa would read the leftmost, which the client writes. Those headers are then
 * rewritten to that single value, so every later `ctx.host` / `ctx.protocol` (and
 * oidc-provider's URLs) sees what was checked. X-Forwarded-For is the provider's `maxIpsCount = 1`.
 *
 * `exempt` paths (the load balancer's health probe, which often uses the instance's address as
 * Host) are answered for any host: they reflect nothing.
 */
export function hostCheck(options: { issuer: string; render: RenderPage; paths: PluginPaths; exempt?: (path: string) => boolean }): Middleware {
  const issuer = new URL(options.issuer);
  return async (ctx: Context, next) => {
    if (options.exempt?.(ctx.path)) return next();
    const headers = ctx.req.headers;
    const viaProxy = ctx.app.proxy;
    const forwardedHost = viaProxy ? lastHopValue(headers['x-forwarded-host']) : undefined;
    const forwardedProto = viaProxy ? lastHopValue(headers['x-forwarded-proto'])?.toLowerCase() : undefined;
    const host = canonicalHost(forwardedHost ?? headers.host ?? '', issuer.protocol);
    if (host !== issuer.host || (forwardedProto !== undefined && `${forwardedProto}:` !== issuer.protocol)) {
      // The way on is the issuer itself: its Security page is the one address every deployment answers.
      sendError(ctx, 'MISDIRECTED_REQUEST', options.render, options.paths, [{ href: `${issuer.origin}${options.paths.to('/account/security')}`, text: t('ways.goToHost', { host: issuer.host }) }]);
      return;
    }
    if (forwardedHost !== undefined) headers['x-forwarded-host'] = forwardedHost;
    if (forwardedProto !== undefined) headers['x-forwarded-proto'] = forwardedProto;
    return next();
  };
}
