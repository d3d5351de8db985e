import type { Context } from 'koa';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { MfaSettings } from '../config/settings-schema.ts';
import type { IssuedToken } from '../mfa/account-security.ts';
import { composeMfa, type MfaPluginOptions } from './create-mfa.ts';

/**
 * What a host gets from createMfa(): the pieces it merges into its oidc-provider configuration
 * (`loadExistingGrant` among them), `install` for the pages, `handOver` for a host's own password
 * page, and `tokenStillValid` for its findAccount. The MFA service, guard and device store stay inside (the hosted provider's CLI
 * reaches them through composeMfa, which is not exported).
 */
export interface MfaPlugin {
  /** The interaction policy: oidc-provider's login and consent with the `mfa` prompt between them; add your own prompts after it. */
  readonly policy: NonNullable<NonNullable<Configuration['interactions']>['policy']>;
  /** `interactions.url`: where an interaction's pages live. */
  readonly interactionUrl: (ctx: KoaContextWithOIDC, interaction: { uid: string }) => string;
  /** `acrValues`: the values this plugin answers (and refuses honestly). */
  readonly acrValues: string[];
  /** Merge into `claims`: acr, amr and auth_time in every ID token. */
  readonly claims: { openid: string[] };
  /** `extraClientMetadata`: `require_mfa`, `first_party`, `allow_trusted_devices`, `accept_mfa_set_up_at_sign_in`. */
  readonly extraClientMetadata: Configuration['extraClientMetadata'];
  /**
   * `loadExistingGrant`: consent to a third-party app remembered per account and app across
   * sessions (found through `store.grants`) until removed on the Security page; first-party apps
   * never asked.
   */
  readonly loadExistingGrant: NonNullable<Configuration['loadExistingGrant']>;
  /** The Security page's own client; add to the provider's `clients`. */
  readonly clients: ClientMetadata[];
  /** Optional: the plugin's error, sign-out and signed-out pages for oidc-provider's own rendering. */
  readonly providerPages: Pick<Configuration, 'renderError'> & {
    logoutSource: (ctx: KoaContextWithOIDC, form: string) => Promise<void>;
    postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => Promise<void>;
  };
  /** Adds the sign-in, second-factor and Security pages in front of the provider's routes. */
  install(provider: Provider): void;
  /** With `passwordPage: 'host'`: the host's own password check passed for `accountId`; the plugin takes the sign-in on. */
  handOver(ctx: Context, accountId: string): Promise<void>;
  /** For `findAccount(ctx, sub, token)`: false once the account had an event that ends its sessions after `token` was issued. */
  tokenStillValid(accountId: string, token: IssuedToken): Promise<boolean>;
  /** The settings in force: the host's, with every default filled in. */
  readonly settings: Readonly<MfaSettings>;
}

/**
 * The MFA plugin for a host's own oidc-provider: the host merges `policy`, `interactionUrl`,
 * `acrValues`, `claims`, `extraClientMetadata` and `clients` into its configuration, builds its
 * Provider, then calls `install(provider)`. Options are checked once, here (MfaOptionsError).
 */
export function createMfa(options: MfaPluginOptions): MfaPlugin {
  const mfa = composeMfa(options);
  return {
    policy: mfa.policy,
    interactionUrl: mfa.interactionUrl,
    acrValues: mfa.acrValues,
    claims: mfa.claims,
    extraClientMetadata: mfa.extraClientMetadata,
    loadExistingGrant: mfa.loadExistingGrant,
    clients: mfa.clients,
    providerPages: mfa.providerPages,
    install: mfa.install,
    handOver: mfa.handOver,
    tokenStillValid: (accountId, token) => mfa.security.tokenStillValid(accountId, token),
    settings: mfa.settings,
  };
}
