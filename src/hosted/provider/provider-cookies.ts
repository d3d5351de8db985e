import type { Configuration } from 'oidc-provider';

type CookieNames = NonNullable<NonNullable<Configuration['cookies']>['names']>;

/**
 * oidc-provider's own cookie names. Over https they carry a prefix (RFC 6265bis §4.1.3), so a
 * browser refuses them unless they are Secure, and a sibling subdomain or a plain-http page
 * cannot plant or overwrite them (cookie tossing):
 *
 * - the session cookie is set with Path=/ and no Domain, so it takes `__Host-`, which also pins it
 *   to our exact host;
 * - the interaction cookies are scoped by oidc-provider to their own path (`/interaction/<uid>`
 *   and `/auth/<uid>`), and `__Host-` demands Path=/, so browsers would drop them: they take
 *   `__Secure-` (Secure required, path allowed) instead.
 *
 * The signature cookies follow their cookie (`<name>.sig`). Over plain http (development on
 * localhost) browsers refuse both prefixes, so oidc-provider's own names are kept.
 *
 * The server itself speaks plain http: an https issuer means a TLS-terminating balancer in front,
 * and a request only counts as https (so cookies get Secure) when that balancer is trusted
 * (TRUST_PROXY, X-Forwarded-Proto). Without it the cookies could not be Secure, browsers would
 * drop prefixed ones and nobody could sign in, so the prefixes need both.
 */
export function providerCookieNames({ issuer, trustProxy }: { issuer: string; trustProxy: boolean }): CookieNames {
  const https = new URL(issuer).protocol === 'https:' && trustProxy;
  if (!https) return { session: '_session', interaction: '_interaction', resume: '_interaction_resume' };
  return { session: '__Host-session', interaction: '__Secure-interaction', resume: '__Secure-interaction_resume' };
}
