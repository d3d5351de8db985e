/** The registration fields a relying app's home can be found in (RFC 7591 §2, OpenID Connect RP-Initiated Logout §3). */
export interface ClientHomeMetadata {
  client_id?: string;
  client_name?: string;
  client_uri?: string;
  post_logout_redirect_uris?: string[];
  redirect_uris?: string[];
}

/** A web address (http or https) without credentials in it; anything else is no home for a link. */
function webUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/**
 * Where "Back to <app>" leads on an error page: only an address the operator registered for the
 * app, never one from the request (RFC 9700 §4.11: no open redirector). In order: its home page
 * (`client_uri`), the page it lands on after sign-out, the origin of its redirect URI (a callback
 * needs a code, so its site's root rather than the callback itself). Apps with none (a native
 * app's custom scheme) get no link.
 */
export function clientHomeOf(metadata: ClientHomeMetadata | undefined): { name: string; href: string } | undefined {
  if (!metadata) return undefined;
  const name = metadata.client_name || metadata.client_id || 'the app';
  const home = webUrl(metadata.client_uri) ?? webUrl(metadata.post_logout_redirect_uris?.[0]);
  if (home) return { name, href: home.href };
  const redirect = (metadata.redirect_uris ?? []).map(webUrl).find((url) => url !== undefined);
  return redirect ? { name, href: `${redirect.origin}/` } : undefined;
}
