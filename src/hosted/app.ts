import type Router from '@koa/router';
import type Provider from 'oidc-provider';
import { healthCheck } from '../http/health.ts';
import type { RenderPage } from '../http/views.ts';
import { homePage } from './home-page.ts';
import { issuerPathMount } from './issuer-path-mount.ts';
import { pluginPathsFor } from '../http/plugin-paths.ts';
import type { ComposedMfa } from '../plugin/create-mfa.ts';
import type { Store } from '../store/store.ts';
import { answerStoreUnavailable } from '../http/store-unavailable.ts';
import { describeError, type Logger } from '../log.ts';
import { isStoreUnavailable } from '../store/store-errors.ts';
import type { Metrics } from './metrics/metrics.ts';
import { metricsRoute } from './metrics/metrics-endpoint.ts';
import { requestTiming } from './metrics/request-timing.ts';
import { routesUnder } from '../http/routes-under.ts';

/**
 * The identity provider's HTTP app. oidc-provider's Provider is itself a Koa app: the MFA
 * plugin's pages go in front of its routes (provider.use), so one server answers both.
 * No listen here: tests call app.callback() or listen on port 0 themselves.
 */
export interface AppOptions {
  provider: Provider;
  mfa: ComposedMfa;
  store: Store;
  log: Logger;
  render: RenderPage;
  /** The demo relying app's address while it runs: the home page links to it. */
  demoUrl?: string;
  /** "Forgot password?" and its link's page, while mail can be sent. */
  passwordReset?: Router;
  /** Metrics on: every request timed; `GET /metrics` here too when they have no port of their own. */
  metrics?: { metrics: Metrics; token: string | null; onMainPort: boolean };
}

export function createApp({ provider, mfa, store, log, render, demoUrl, passwordReset, metrics }: AppOptions): Provider {
  // An ISSUER with a path serves everything under it, the health probe included.
  provider.use(issuerPathMount(pluginPathsFor(provider.issuer)));
  if (metrics) provider.use(requestTiming(metrics.metrics));
  // The health probe goes first, so it answers whatever Host a load balancer sends (it often
  // probes the instance's own address); it reflects nothing. Every other route is behind the
  // plugin's host check.
  provider.use(healthCheck(store));
  // Like the probe, in front of the host check: a scraper asks for the instance's own address.
  if (metrics?.onMainPort) provider.use(metricsRoute(metrics.metrics, metrics.token));
  mfa.install(provider);
  // Behind the plugin's host check, headers and error pages, like every page.
  provider.use(homePage({ render, demoUrl }));
  if (passwordReset) {
    provider.use(routesUnder('/account', passwordReset));
  }
  // oidc-provider's JSON endpoints (token, userinfo, …) answer every failure as 500 server_error;
  // a store that is down is a 503 there too, and every other server error is logged.
  provider.on('server_error', (ctx, error) => {
    if (isStoreUnavailable(error)) {
      log.warn('provider.store_unavailable', { path: ctx.path, ...describeError(error) });
      // The HTML branch already answered through renderError; the JSON one holds server_error.
      if (ctx.type === 'application/json') answerStoreUnavailable(ctx, { json: true });
      return;
    }
    log.error('provider.server_error', { path: ctx.path, ...describeError(error) });
  });
  return provider;
}
