/**
 * Where the plugin's pages are, as the browser sees them. Inside the provider's app every route is
 * matched without the mount prefix (koa-mount and Express strip it before oidc-provider's app sees
 * the request); every address we hand out (links, form actions, redirects, cookie paths) carries it.
 * The prefix is the issuer's path, as oidc-provider takes it for its own endpoints (`pathFor`), so
 * `https://example.com/idp` serves `/idp/interaction/…`, `/idp/account/…` and `/idp/static/…`.
 */
export interface PluginPaths {
  /** The mount prefix: '' at the root, else `/idp` (no trailing slash). */
  readonly mount: string;
  /** A path of ours (`/account/security`, `/interaction/abc/totp`) as the browser must ask for it. */
  to(path: string): string;
}

export function pluginPathsFor(issuer: string): PluginPaths {
  const mount = new URL(issuer).pathname.replace(/\/+$/, '');
  return { mount, to: (path) => `${mount}${path}` };
}

