import path from 'node:path';
import type Provider from 'oidc-provider';
import type { ClientMetadata, KoaContextWithOIDC } from 'oidc-provider';
import { createAccountConsoleRoutes } from '../account/console-routes.ts';
import { consoleClientMetadata } from '../account/console-client.ts';
import { systemClock, type Clock } from '../clock.ts';
import { PROJECT_ROOT } from '../config/load-config.ts';
import type { MfaSettings, SealingKey } from '../config/schema.ts';
import { createSecretBox } from '../crypto/secret-box.ts';
import type { CounterStore } from '../guard/counter-store.ts';
import { createFactorGuard } from '../guard/factor-guard.ts';
import { createLoginThrottle, type LoginThrottleLimits } from '../guard/login-throttle.ts';
import { createCsrf } from '../http/csrf.ts';
import { errorPages } from '../http/error-pages.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { staticFiles } from '../http/static-files.ts';
import { createRenderer, type RenderPage } from '../http/views.ts';
import { createInteractionRoutes } from '../interactions/interaction-routes.ts';
import { silentLogger, type Logger } from '../log.ts';
import { createMfaService } from '../mfa/mfa-service.ts';
import type { MfaStore, TransientStore } from '../mfa/mfa-store.ts';
import { createRequirementFor } from '../mfa/requirement-for.ts';
import { createSmsCodes } from '../mfa/sms-codes.ts';
import { createSmsBudget, type SmsBudgetLimits } from '../guard/sms-budget.ts';
import type { SmsProvider } from '../factors/sms/sms-provider.ts';
import { ACR_VALUES_SUPPORTED } from '../provider/acr.ts';
import { extraClientMetadata } from '../provider/client-metadata.ts';
import { createInteractionPolicy } from '../provider/interaction-policy.ts';
import { createProviderPages } from '../provider/provider-pages.ts';
import type { UserDirectory } from './user-directory.ts';

export const DEFAULT_MFA_SETTINGS: MfaSettings = {
  enforcement: 'optional',
  issuerLabel: 'oidc-mfa',
  reauthWithinSeconds: 300,
  lockAfterFailures: 5,
  maxFailures: 100,
  setupTtlSeconds: 900,
};

export interface MfaPluginOptions {
  /** The provider's issuer URL (its origin is checked on every form POST). */
  issuer: string;
  directory: UserDirectory;
  store: { mfa: MfaStore; transient: TransientStore; counters: CounterStore };
  /** AES-256-GCM keys for TOTP secrets at rest; the first seals, all open. */
  sealingKeys: SealingKey[];
  /** Server secret for CSRF tokens (a cookie key will do). */
  csrfSecret: string;
  settings?: Partial<MfaSettings>;
  /** Codes by text message; leave out to offer the authenticator app only. */
  sms?: { provider: SmsProvider; limits: SmsBudgetLimits & { codeTtlSeconds: number; allowedCountries: string[] | null } };
  login?: Partial<LoginThrottleLimits>;
  /** Match the provider's ttl.Interaction, so a pending second factor lives as long as its sign-in. */
  interactionTtlSeconds?: number;
  bodyLimitBytes?: number;
  log?: Logger;
  clock?: Clock;
  render?: RenderPage;
}

/**
 * The MFA plugin for oidc-provider. The host merges `policy`, `interactionUrl`, `acrValues`,
 * `claims`, `extraClientMetadata` and `clients` into its configuration, builds its Provider,
 * then calls `install(provider)` to add the hosted pages in front of the provider's routes.
 */
export function createMfa(options: MfaPluginOptions) {
  const settings = { ...DEFAULT_MFA_SETTINGS, ...options.settings };
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const render = options.render ?? createRenderer(path.join(PROJECT_ROOT, 'views'));
  const guard = createFactorGuard(options.store.counters, settings);
  const service = createMfaService({
    store: options.store.mfa,
    guard,
    box: createSecretBox(options.sealingKeys),
    clock,
    issuerLabel: settings.issuerLabel,
  });
  const requirementFor = createRequirementFor(service, settings.enforcement);
  const sms = options.sms && createSmsCodes({
    provider: options.sms.provider,
    budget: createSmsBudget(options.store.counters, options.sms.limits, log),
    guard,
    transient: options.store.transient,
    secret: `${options.csrfSecret}:sms-codes`,
    clock,
    log,
    codeTtlSeconds: options.sms.limits.codeTtlSeconds,
    appName: settings.issuerLabel,
    host: new URL(options.issuer).host,
  });
  const csrf = createCsrf(options.csrfSecret);
  const issuerOrigin = new URL(options.issuer).origin;

  const policy = createInteractionPolicy(
    async (accountId) => {
      const account = await options.directory.findById(accountId);
      return account ? (account.credentialsChangedAt ?? 0) : undefined;
    },
    (ctx: KoaContextWithOIDC) => requirementFor(ctx.oidc.session!.accountId!, ctx.oidc.client as unknown as Record<string, unknown>, ctx.oidc.params?.acr_values, ctx.oidc.session?.amr ?? []),
  );

  function install(provider: Provider): void {
    const interactions = createInteractionRoutes({
      provider,
      directory: options.directory,
      throttle: createLoginThrottle(options.store.counters, { maxFailuresPerAccount: 10, maxFailuresPerIp: 100, failureWindowSeconds: 900, ...options.login }),
      mfa: service,
      sms,
      transient: options.store.transient,
      csrf,
      render,
      log,
      issuerOrigin,
      bodyLimitBytes: options.bodyLimitBytes ?? 16_384,
      requirementFor,
      pendingTtlSeconds: options.interactionTtlSeconds ?? 1800,
    });
    const console = createAccountConsoleRoutes({
      provider, directory: options.directory, mfa: service, sms, allowedCountries: options.sms?.limits.allowedCountries ?? null, transient: options.store.transient, csrf, render, log,
      issuer: options.issuer, issuerOrigin, bodyLimitBytes: options.bodyLimitBytes ?? 16_384, settings, clock,
    });
    provider.use(errorPages(render, log));
    provider.use(securityHeaders());
    provider.use(staticFiles(path.join(PROJECT_ROOT, 'static'), ['site.css', 'copy.js']));
    provider.use(interactions.routes());
    provider.use(interactions.allowedMethods({ throw: true }));
    provider.use(console.routes());
    provider.use(console.allowedMethods({ throw: true }));
  }

  return {
    policy,
    interactionUrl: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    acrValues: ACR_VALUES_SUPPORTED,
    /** Merge into `claims`: acr, amr and auth_time in every ID token. */
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'] },
    extraClientMetadata,
    /** The account console's own client; add to the provider's `clients`. */
    clients: [consoleClientMetadata(options.issuer)] as ClientMetadata[],
    /** Optional: our error, sign-out and signed-out pages for oidc-provider's own rendering. */
    providerPages: createProviderPages(render),
    install,
    service,
    settings,
  };
}

export type MfaPlugin = ReturnType<typeof createMfa>;
