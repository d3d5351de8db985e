import type { Context } from 'koa';
import path from 'node:path';
import { createAudit } from '../audit/audit.ts';
import { createSecurityNotifier } from '../notify/security-notifier.ts';
import { createAccountSecurity, readSideBySide } from '../mfa/account-security.ts';
import { createLoadExistingGrant } from '../consent/load-existing-grant.ts';
import { createTrustedDevices } from '../trusted-device/trusted-devices.ts';
import type Provider from 'oidc-provider';
import type { ClientMetadata, KoaContextWithOIDC } from 'oidc-provider';
import { createAccountConsoleRoutes } from '../account/console-routes.ts';
import { consoleClientMetadata } from '../account/console-client.ts';
import { systemClock } from '../clock.ts';
import { parsePluginOptions } from '../config/plugin-options.ts';
import { DEFAULT_SMS_LIMITS, type MfaSettings } from '../config/settings-schema.ts';
import { createSecretBox } from '../crypto/secret-box.ts';
import { createFactorGuard } from '../guard/factor-guard.ts';
import { createLoginThrottle } from '../guard/login-throttle.ts';
import { createCsrf } from '../http/csrf.ts';
import { errorPages } from '../http/error-pages.ts';
import { hostCheck } from '../http/host-check.ts';
import { routesUnder } from '../http/routes-under.ts';
import { isPluginPath, securityHeaders } from '../http/security-headers.ts';
import { STATIC_DIR, staticFile, staticFiles } from '../http/static-files.ts';
import { createPasskeys } from '../factors/passkey/passkeys.ts';
import { factorNames } from '../factors/registry.ts';
import { relyingPartyOf } from '../factors/passkey/relying-party.ts';
import { trustAnchorsOf } from '../factors/passkey/attestation-trust.ts';
import { SIMPLEWEBAUTHN_BROWSER_BUNDLE } from '../factors/passkey/browser-bundle.ts';
import { withPaths } from '../http/views.ts';
import { brandOf, brandStylesheet, imageSourcesOf, withBrand } from '../http/brand.ts';
import { createPageRenderer } from './page-renderer.ts';
import { pluginPathsFor } from '../http/plugin-paths.ts';
import { createInteractionRoutes } from '../sign-in/interaction-routes.ts';
import { silentLogger } from '../log.ts';
import { createMfaService } from '../mfa/mfa-service.ts';
import { createRequirementFor } from '../sign-in/requirement-for.ts';
import { smsTimingOf } from '../factors/sms/sms-timing.ts';
import { createSmsCodes } from '../factors/sms/sms-codes.ts';
import { createSmsBudget } from '../guard/sms-budget.ts';
import { ACR, acrValuesSupported } from '../oidc/acr.ts';
import { acrRequestOf } from '../oidc/acr-request.ts';
import { readTrustCookie } from '../trusted-device/trust-cookie.ts';
import { extraClientMetadata } from '../oidc/client-metadata.ts';
import { createInteractionPolicy } from '../sign-in/interaction-policy.ts';
import { appHomeIn, createProviderPages } from '../http/provider-pages.ts';
import type { AfterPasswordDeps } from '../sign-in/after-password.ts';
import { handOverAfterPassword } from '../sign-in/host-hand-over.ts';
import type { MfaPluginOptions } from './mfa-plugin-options.ts';
import { memoizedDirectory, memoizedMfaStore, readTogether, requestScope } from './request-scope.ts';
import { languageScope } from '../i18n/request-language.ts';
import { languageSwitch } from '../i18n/language-switch.ts';

// The defaults live with their bounds in config/settings-schema.ts; re-exported for hosts.
export { DEFAULT_MFA_SETTINGS } from '../config/settings-schema.ts';
export type { MfaPluginOptions } from './mfa-plugin-options.ts';

/**
 * The MFA plugin for oidc-provider, with its internals (the MFA service, the guard, trusted
 * devices) for the hosted provider's CLI; hosts use createMfa (public-plugin.ts). The host merges `policy`, `interactionUrl`, `acrValues`,
 * `claims`, `extraClientMetadata` and `clients` into its configuration, builds its Provider,
 * then calls `install(provider)` to add the hosted pages in front of the provider's routes.
 */
export function composeMfa(options: MfaPluginOptions) {
  // Checked once, here: a bad value stops the host at start-up with the option's path (MfaOptionsError).
  const parsed = parsePluginOptions(options);
  const settings: MfaSettings = parsed.settings;
  const smsLimits = parsed.sms?.limits ?? DEFAULT_SMS_LIMITS;
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock;
  // The issuer's path is where the host mounted the provider: every address we hand out starts with it.
  const paths = pluginPathsFor(options.issuer);
  const brand = brandOf(settings, options.issuer);
  const render = withBrand(withPaths(options.render ?? createPageRenderer(), paths), brand);
  const notifier = options.onSecurityNotice && createSecurityNotifier({
    // Not the request-scoped copy: the notice is sent after the request's own work.
    directory: options.directory,
    deliver: options.onSecurityNotice,
    context: {
      appName: brand.productName,
      securityPageUrl: `${options.issuer.replace(/\/+$/, '')}/account/security`,
      support: { url: settings.supportUrl, email: settings.supportEmail },
    },
    log,
  });
  // The one place security notices hook in: every audited change that calls for one sends it.
  const audit = createAudit(log, [options.onAuditEvent, notifier]);
  // Reads shared within one request (request-scope.ts): one load of an account's state per step.
  const mfaStore = memoizedMfaStore(options.store.mfa);
  const directory = memoizedDirectory(options.directory);
  const guard = createFactorGuard(options.store.counters, settings, (accountId, factor, seconds) =>
    audit({ event: 'mfa.locked', accountId, details: { factor, lockSeconds: seconds ?? 'until an operator unlocks' } }));
  const box = createSecretBox(options.sealingKeys);
  const service = createMfaService({
    store: mfaStore,
    guard,
    box,
    clock,
    issuerLabel: brand.issuerLabel,
  });
  const requirementFor = createRequirementFor(service, settings.enforcement);
  const sms = options.sms && createSmsCodes({
    provider: options.sms.provider,
    budget: createSmsBudget(options.store.counters, smsLimits, audit),
    guard,
    transient: options.store.transient,
    secrets: parsed.secrets.textCodes,
    clock,
    log,
    codeTtlSeconds: smsLimits.codeTtlSeconds,
    appName: brand.productName,
    host: new URL(options.issuer).host,
  });
  const trusted = createTrustedDevices({
    store: options.store.trustedDevices,
    secrets: parsed.secrets.trustedDevices,
    clock,
    trustSeconds: settings.trustedDeviceDays * 86_400,
  });
  // Asked at every resume and token request: both in one read where the host's store offers it, each shared for the rest of the request.
  const readBoth = readSideBySide(directory, mfaStore);
  const { readAccountWithMfa } = options;
  const security = createAccountSecurity(readAccountWithMfa
    ? (accountId) => {
      readTogether(accountId, readAccountWithMfa);
      return readBoth(accountId);
    }
    : readBoth);

  /**
   * A "remembered device" session counts only while its device does: revoked, expired, from an
   * older epoch or another account, and the next authorization asks for a code again.
   */
  async function rememberedDeviceHolds(ctx: KoaContextWithOIDC, accountId: string): Promise<boolean> {
    if (ctx.oidc.session?.acr !== ACR.rememberedDevice) return false;
    const conditions = await security.conditions(accountId);
    return Boolean(conditions && (await trusted.check(readTrustCookie(ctx), conditions)));
  }

  const policy = createInteractionPolicy(security.validAfter, async (ctx: KoaContextWithOIDC) => {
    const accountId = ctx.oidc.session!.accountId!;
    const client = ctx.oidc.client as unknown as Record<string, unknown>;
    return requirementFor({
      accountId,
      client,
      acrRequest: acrRequestOf(ctx.oidc.params?.acr_values, ctx.oidc.claims),
      amr: ctx.oidc.session?.amr ?? [],
      acr: ctx.oidc.session?.acr,
      rememberedDevice: await rememberedDeviceHolds(ctx, accountId),
    });
  }, (ctx: KoaContextWithOIDC) => acrRequestOf(ctx.oidc.params?.acr_values, ctx.oidc.claims));

  const support = { url: settings.supportUrl, email: settings.supportEmail };

  /** What the pages stand on, once install() built it: handOver needs the provider. */
  let installed: AfterPasswordDeps | undefined;

  /**
   * For a host with its own sign-in page (`passwordPage: 'host'`): its password check passed for
   * `accountId` in the interaction this request belongs to; the plugin takes the sign-in on from
   * there (a second factor, enrolment, a trusted device, or done) and answers the request.
   */
  async function handOver(ctx: Context, accountId: string): Promise<void> {
    if (!installed) throw new Error('oidc-mfa: call install(provider) before handOver()');
    await handOverAfterPassword(ctx, installed, accountId);
  }

  function install(provider: Provider): void {
    // The parts the pages stand on. Each route group takes what it declared (SignInRoutesDeps,
    // ConsoleRoutesDeps, each factor's own deps), and the compiler checks this object against each.
    const parts = {
      provider,
      directory,
      mfa: service,
      sms,
      allowedCountries: smsLimits.allowedCountries,
      smsTiming: smsTimingOf(smsLimits),
      trusted,
      security,
      transient: options.store.transient,
      // The guard's state, read only: pages tell a paused factor, and until when.
      factorLock: guard.lockOf,
      factorNames,
      // Seals what a page shows again after a redirect (a new backup code) while it waits in `transient`.
      box,
      grants: options.store.grants,
      csrf: createCsrf(parsed.secrets.csrf),
      render,
      paths,
      log,
      audit,
      issuerOrigin: new URL(options.issuer).origin,
      bodyLimitBytes: parsed.bodyLimitBytes,
      settings,
      clock,
      forgotPasswordHref: parsed.forgotPasswordUrl,
      passkeys: createPasskeys({
        store: mfaStore, guard, transient: options.store.transient, clock,
        rp: relyingPartyOf(options.issuer, brand.issuerLabel, settings.passkeyRpId),
        attestationRoots: trustAnchorsOf(settings.passkeyAttestationRoots),
      }),
    };
    const signIn = {
      ...parts,
      throttle: createLoginThrottle(options.store.counters, parsed.login, { secrets: parsed.secrets.loginDevices, clock }),
      requirementFor,
      passwordPage: parsed.passwordPage,
    };
    installed = signIn;
    const interactions = createInteractionRoutes(signIn);
    const console = createAccountConsoleRoutes({ ...parts, issuer: options.issuer });
    provider.use(requestScope());
    // The request's language (cookie, else Accept-Language; a sign-in's ui_locales once its interaction is read), for every page below.
    provider.use(languageScope());
    // Headers first: the error pages, rendered inside, keep them.
    const imageSources = imageSourcesOf(brand);
    provider.use(securityHeaders(parsed.securityHeaders === 'everywhere' ? { imageSources } : { only: isPluginPath, imageSources }));
    // Before any page or provider route: nothing is answered for a host that is not the issuer's.
    provider.use(hostCheck({ issuer: options.issuer, render, paths }));
    provider.use(errorPages(render, log, { paths, support, appHome: appHomeIn(provider) }));
    provider.use(staticFiles(STATIC_DIR, ['site.css', 'favicon.svg', 'copy.js', 'timing.js', 'passkey.js']));
    provider.use(brandStylesheet(brand));
    provider.use(staticFile('/static/simplewebauthn-browser.js', SIMPLEWEBAUTHN_BROWSER_BUNDLE));
    provider.use(languageSwitch(paths));
    provider.use(routesUnder('/interaction', interactions));
    provider.use(routesUnder('/account', console));
  }

  return {
    policy,
    interactionUrl: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => paths.to(`/interaction/${interaction.uid}`),
    acrValues: acrValuesSupported(settings.passkeyAttestationRoots.length > 0),
    /** Merge into `claims`: acr, amr and auth_time in every ID token. */
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'] },
    extraClientMetadata,
    /**
     * Set as `loadExistingGrant`: consent to a third-party app is remembered per account and app
     * across sessions until removed on the Security page; first-party apps are never asked.
     */
    loadExistingGrant: createLoadExistingGrant({ grants: options.store.grants, validAfter: security.validAfter }),
    /** The account console's own client; add to the provider's `clients`. */
    clients: [consoleClientMetadata(options.issuer)] as ClientMetadata[],
    /** Optional: our error, sign-out and signed-out pages for oidc-provider's own rendering. */
    providerPages: createProviderPages(render, paths, support),
    install,
    handOver,
    service,
    guard,
    trusted,
    security,
    audit,
    settings,
  };
}

/** Everything composeMfa builds, internals included: for the hosted provider, its CLI and tests (hosts get createMfa's part). */
export type ComposedMfa = ReturnType<typeof composeMfa>;
