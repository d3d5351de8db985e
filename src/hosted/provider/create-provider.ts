import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';
import type { AccountDirectory } from '../account-directory.ts';
import type { Config, Keys } from '../config/schema.ts';
import type { ComposedMfa } from '../../plugin/create-mfa.ts';
import type { Store } from '../../store/store.ts';
import { memoizedAdapterFactory } from '../../plugin/request-scope.ts';
import { providerCookieNames } from './provider-cookies.ts';
import { LOCALES } from '../../i18n/locales.ts';

export interface ProviderDeps {
  config: Config;
  keys: Keys;
  store: Store;
  directory: AccountDirectory;
  clients: ClientMetadata[];
  mfa: ComposedMfa;
}

/**
 * The hosted provider's oidc-provider configuration, composed with the MFA plugin exactly as a
 * host would: every default that matters is set here on purpose.
 */
export function createProvider({ config, keys, store, directory, clients, mfa }: ProviderDeps): Provider {
  const { ttl } = config;
  const { renderError, logoutSource, postLogoutSuccessSource } = mfa.providerPages;
  const configuration: Configuration = {
    // Reads shared within a request (request-scope.ts): one request often loads the same model twice.
    adapter: memoizedAdapterFactory(store.adapterFactory),
    clients: [...clients, ...mfa.clients],
    jwks: keys.jwks,
    cookies: {
      names: providerCookieNames(config),
      keys: keys.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    // With a code or token (code exchange, refresh, userinfo), the account is not found for one
    // from before the account's sessions last ended — a password change, MFA off or reset, "sign
    // out everywhere": refresh and code exchange answer invalid_grant, userinfo 401. The store
    // also deletes the account's grants with the change (store.ts); this check is what holds when
    // a grant or token was written back after that delete (a refresh or authorization racing the
    // change), and for rows stored before grants were indexed by account.
    async findAccount(_ctx, id, token) {
      // Whether the session (at an authorization, the `credentials_changed` check right after) or
      // the code or token still counts needs the account and its MFA record: read first, together
      // (one store call, shared for the rest of the request), so findById below is already answered.
      const [, current] = await Promise.all([
        mfa.security.conditions(id),
        token ? mfa.security.tokenStillValid(id, token) : true,
      ]);
      const record = await directory.findById(id);
      if (!record || !current) return undefined;
      return { accountId: record.id, claims: async () => directory.claims(record) };
    },
    claims: {
      // oidc-provider puts acr only on request (acr_values), amr only via the claims parameter and
      // auth_time only with max_age: tying them to `openid` puts them in every ID token, so a
      // relying app always learns how this person authenticated (OpenID Connect Core §2).
      ...mfa.claims,
      email: ['email', 'email_verified'],
      profile: ['name'],
      sid: null,
      iss: null,
    },
    acrValues: mfa.acrValues,
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    extraClientMetadata: mfa.extraClientMetadata,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    // 'none' only for the account console (see account/console-client.ts); clients get what they registered.
    responseTypes: ['code', 'none'],
    // RFC 9700 §2.1.1: PKCE for every client, confidential ones too.
    pkce: { required: () => true },
    interactions: { policy: mfa.policy, url: mfa.interactionUrl },
    // Consent remembered per account and app across sessions; first-party apps never asked (consent/load-existing-grant.ts).
    loadExistingGrant: mfa.loadExistingGrant,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // The `claims` request parameter (OpenID Connect Core §5.5): an essential acr in it is a step-up (interaction-policy.ts).
      claimsParameter: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    renderError,
    // OpenID Connect Discovery 1.0 §3: the languages the pages speak, for apps choosing ui_locales.
    discovery: { ui_locales_supported: [...LOCALES] },
    ttl: {
      Interaction: ttl.interactionSeconds,
      Session: ttl.sessionSeconds,
      Grant: ttl.grantSeconds,
      AuthorizationCode: ttl.authorizationCodeSeconds,
      AccessToken: ttl.accessTokenSeconds,
      IdToken: ttl.idTokenSeconds,
      RefreshToken: ttl.refreshTokenSeconds,
    },
  };
  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.trustProxy;
  // Behind one balancer that appends the client's address, trust only that last hop: the
  // leftmost X-Forwarded-For entries are whatever the client wrote, and limits go by address.
  if (config.trustProxy) provider.maxIpsCount = 1;
  return provider;
}
