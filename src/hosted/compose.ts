import type { ClientMetadata } from 'oidc-provider';
import type twilio from 'twilio';
import { createSmsProvider } from '../factors/sms/create-sms-provider.ts';
import { createMailSender } from './mail/create-mail-sender.ts';
import { createPasswordResetRoutes } from './password-reset/password-reset-routes.ts';
import { createResetLinks } from './password-reset/reset-links.ts';
import { createCsrf } from '../http/csrf.ts';
import { createAccountDirectory } from './account-directory.ts';
import { memoizedDirectory } from '../plugin/request-scope.ts';
import { createApp } from './app.ts';
import { demoBaseUrl } from './demo/demo-client.ts';
import { composeMfa } from '../plugin/create-mfa.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Config, Keys } from './config/schema.ts';
import { createPageRenderer } from '../plugin/page-renderer.ts';
import { pluginPathsFor } from '../http/plugin-paths.ts';
import { withPaths } from '../http/views.ts';
import { brandOf, withBrand } from '../http/brand.ts';
import type { Logger } from '../log.ts';
import { createProvider } from './provider/create-provider.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { meteredLogger } from './metrics/metered-logger.ts';
import { meteredStore } from './metrics/metered-store.ts';
import { readSmsBreakers } from '../guard/sms-budget.ts';
import type { Store } from '../store/store.ts';

export interface ComposeOptions {
  config: Config;
  keys: Keys;
  store: Store;
  clients: ClientMetadata[];
  log: Logger;
  /** Time for the MFA step (TOTP steps, re-authentication age); tests pass a fake one. */
  clock?: Clock;
  /** Tests point the twilio SDK at a local fake API through this. */
  smsHttpClient?: twilio.RequestClient;
}

/** Wires the hosted identity provider from its parts; server.ts and the tests both start here. */
export function composeIdentityProvider({ config, keys, store: bareStore, clients, log: bareLog, clock = systemClock, smsHttpClient }: ComposeOptions) {
  // With metrics on, every logged event (audit included) and every store call is observed in one
  // place each (metrics/): nothing below knows metrics exist.
  const metrics: Metrics | undefined = config.metrics.enabled
    ? createMetrics({ readBreakers: () => readSmsBreakers(bareStore.counters, config.sms.globalPerHour) })
    : undefined;
  const log = metrics ? meteredLogger(bareLog, metrics) : bareLog;
  const store = metrics ? meteredStore(bareStore, metrics) : bareStore;
  // Every page's links start with the issuer's path (plugin-paths.ts): the home page's as the plugin's.
  // The home page wears the brand too: the same brand the plugin's pages get (brand.ts).
  const render = withBrand(withPaths(createPageRenderer(), pluginPathsFor(config.issuer)), brandOf(config.mfa, config.issuer));
  // Account timestamps are compared with oidc-provider's own (real) session times: real clock.
  // findById shared within a request with the plugin (request-scope.ts): findAccount reads the account once.
  const directory = memoizedDirectory(createAccountDirectory(store.accounts, systemClock, (accountId) => store.mfa.remove(accountId)));
  const smsProvider = createSmsProvider(config.sms, log, smsHttpClient);
  const mailer = createMailSender(config.mail, log);
  const mfa = composeMfa({
    issuer: config.issuer,
    directory,
    store,
    // The built-in directory's findById is the store's: both of an account's records in one read.
    readAccountWithMfa: (accountId) => store.accountStates.read(accountId),
    sealingKeys: keys.sealingKeys,
    secrets: keys.secrets,
    settings: config.mfa,
    sms: smsProvider && { provider: smsProvider, limits: config.sms },
    login: config.login,
    bodyLimitBytes: config.http.bodyLimitBytes,
    // The hosted provider is all ours: oidc-provider's own answers carry the headers too.
    securityHeaders: 'everywhere',
    log,
    render,
    clock,
    // Security notices go out through the provider's own mail (SMTP, or the development outbox).
    onSecurityNotice: mailer && ((notice) => mailer.send(notice)),
    // "Forgot password?" needs a way to send the link: offered only while mail is on.
    forgotPasswordUrl: mailer && pluginPathsFor(config.issuer).to('/account/password/forgot'),
  });
  const provider = createProvider({ config, keys, store, directory, clients, mfa });
  const passwordReset = mailer && createPasswordResetRoutes({
    issuer: config.issuer,
    issuerOrigin: new URL(config.issuer).origin,
    paths: pluginPathsFor(config.issuer),
    render,
    csrf: createCsrf(keys.secrets.csrf),
    bodyLimitBytes: config.http.bodyLimitBytes,
    counters: store.counters,
    directory,
    links: createResetLinks({ store: store.passwordResets, accounts: store.accounts, secrets: keys.secrets.passwordResets, clock }),
    transient: store.transient,
    mailer,
    mfa: mfa.service,
    trusted: mfa.trusted,
    audit: mfa.audit,
    log,
    limits: config.passwordReset,
    appName: brandOf(config.mfa, config.issuer).productName,
    support: { url: config.mfa.supportUrl, email: config.mfa.supportEmail },
  });
  const app = createApp({
    provider, mfa, store, log, render, passwordReset,
    demoUrl: config.demoApp.enabled ? demoBaseUrl(config) : undefined,
    // On the main port only when no port of their own is set (server.ts listens on METRICS_PORT).
    metrics: metrics && { metrics, token: config.metrics.token, onMainPort: config.metrics.port === null },
  });
  return { app, provider, directory, mfa, mailer, metrics };
}
