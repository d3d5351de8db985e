import { createHash, timingSafeEqual } from 'node:crypto';
import Provider, { type ClientMetadata } from 'oidc-provider';
import type { MfaPlugin, UserDirectory } from '../../src/index.ts';
import type { Store } from '../../src/store/store.ts';
import type { testKeys } from './test-config.ts';

export interface HostUser {
  login: string;
  id: string;
  email: string;
  password: string;
}

/** A host's own user directory: plain objects in a Map (a test stand-in; a real one hashes), compared in constant time. */
export function hostDirectory(...people: HostUser[]): UserDirectory {
  const users = new Map(people.map((user) => [user.login, user]));
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return {
    async authenticate(login, password) {
      const user = users.get(login);
      const ok = timingSafeEqual(digest(user?.password ?? 'x'), digest(password));
      return user && ok ? user.id : undefined;
    },
    async findById(id) {
      const user = [...users.values()].find((u) => u.id === id);
      return user ? { id: user.id, email: user.email } : undefined;
    },
  };
}

/**
 * A host's own oidc-provider, configured as the README's plugin section tells a host to: its own
 * clients, keys and findAccount, with the plugin's pieces (policy, interaction URL, acr values,
 * claims, client metadata, remembered consent, its pages) merged in.
 */
/** What a host's provider configuration takes from the plugin. */
type ProviderParts = Pick<MfaPlugin, 'clients' | 'policy' | 'interactionUrl' | 'acrValues' | 'claims' | 'extraClientMetadata' | 'loadExistingGrant' | 'providerPages'>;

export function hostProvider(issuer: string, mfa: ProviderParts, options: { store: Store; keys: ReturnType<typeof testKeys>; clients: ClientMetadata[] }): Provider {
  return new Provider(issuer, {
    adapter: options.store.adapterFactory,
    clients: [...options.clients, ...mfa.clients],
    jwks: options.keys.jwks,
    cookies: { keys: options.keys.cookieKeys },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    interactions: { policy: mfa.policy, url: mfa.interactionUrl },
    acrValues: mfa.acrValues,
    claims: { ...mfa.claims },
    extraClientMetadata: mfa.extraClientMetadata,
    responseTypes: ['code', 'none'],
    // First-party apps get their grant on the spot; consent to others is remembered per account and app.
    loadExistingGrant: mfa.loadExistingGrant,
    ...mfa.providerPages,
  });
}
