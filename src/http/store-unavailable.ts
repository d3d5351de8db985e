import type { Context } from 'koa';
import { ERRORS, errorMessage } from '../errors.ts';
import { errorTitle } from './error-titles.ts';
import type { PluginPaths } from './plugin-paths.ts';
import type { RenderPage } from './views.ts';
import { distinctWays, ownWay, tryAgain, type WayOn } from './ways-on.ts';

/**
 * How long a client should wait before trying again: about the time a Redis restart or failover,
 * or a long SQLite write lock, takes to pass.
 */
export const STORE_RETRY_AFTER_SECONDS = 30;

/**
 * The one answer to a request the store could not serve, wherever it failed: our pages,
 * oidc-provider's pages (renderError) and oidc-provider's JSON endpoints (token, userinfo, …).
 * 503 with Retry-After, never cached, so a relying app, a browser and a load balancer can tell
 * "try again" from a bug (500). JSON uses OAuth's `temporarily_unavailable` (RFC 6749 §4.1.2.1);
 * the page shows the stable code STORE_UNAVAILABLE, a readable message and "Try again", never the error.
 */
export function answerStoreUnavailable(ctx: Context, as: { json: true } | { page: RenderPage; paths: PluginPaths; ways?: WayOn[] }): void {
  const { status } = ERRORS.STORE_UNAVAILABLE;
  const message = errorMessage('STORE_UNAVAILABLE');
  ctx.status = status;
  ctx.set('retry-after', String(STORE_RETRY_AFTER_SECONDS));
  ctx.set('cache-control', 'no-store');
  if ('json' in as) {
    ctx.type = 'json';
    ctx.body = { error: 'temporarily_unavailable', error_description: message };
    return;
  }
  ctx.type = 'html';
  const ways = distinctWays([ownWay(as.paths, tryAgain(ctx)), ...(as.ways ?? [])]);
  ctx.body = as.page('error', { title: errorTitle('STORE_UNAVAILABLE', status), code: 'STORE_UNAVAILABLE', message, ways });
}
