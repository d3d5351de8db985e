import path from 'node:path';
import type Provider from 'oidc-provider';
import type { AccountDirectory } from './accounts/account-directory.ts';
import { PROJECT_ROOT } from './config/load-config.ts';
import type { Config, Keys } from './config/schema.ts';
import { createLoginThrottle } from './guard/login-throttle.ts';
import { createCsrf } from './http/csrf.ts';
import { errorPages } from './http/error-pages.ts';
import { healthCheck } from './http/health.ts';
import { securityHeaders } from './http/security-headers.ts';
import { staticFiles } from './http/static-files.ts';
import type { RenderPage } from './http/views.ts';
import { createInteractionRoutes } from './interactions/interaction-routes.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/store.ts';

export interface AppDeps {
  config: Config;
  keys: Keys;
  store: Store;
  directory: AccountDirectory;
  provider: Provider;
  render: RenderPage;
  log: Logger;
}

/**
 * The identity provider's HTTP app. oidc-provider's Provider is itself a Koa app: our
 * middleware goes in front of its routes (provider.use), so one server answers both.
 * No listen here: tests call app.callback() or listen on port 0 themselves.
 */
export function createApp({ config, keys, store, directory, provider, render, log }: AppDeps): Provider {
  const interactions = createInteractionRoutes({
    provider,
    directory,
    throttle: createLoginThrottle(store.counters, config.login),
    csrf: createCsrf(keys.cookieKeys[0]!),
    render,
    log,
    issuerOrigin: new URL(config.issuer).origin,
    bodyLimitBytes: config.http.bodyLimitBytes,
  });
  provider.use(errorPages(render, log));
  provider.use(securityHeaders());
  provider.use(healthCheck(store));
  provider.use(staticFiles(path.join(PROJECT_ROOT, 'static'), ['site.css']));
  provider.use(interactions.routes());
  provider.use(interactions.allowedMethods({ throw: true }));
  return provider;
}
