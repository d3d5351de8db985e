import type Provider from 'oidc-provider';
import { healthCheck } from './http/health.ts';
import type { MfaPlugin } from './plugin/create-mfa.ts';
import type { Store } from './store/store.ts';

/**
 * The identity provider's HTTP app. oidc-provider's Provider is itself a Koa app: the MFA
 * plugin's pages go in front of its routes (provider.use), so one server answers both.
 * No listen here: tests call app.callback() or listen on port 0 themselves.
 */
export function createApp({ provider, mfa, store }: { provider: Provider; mfa: MfaPlugin; store: Store }): Provider {
  mfa.install(provider);
  provider.use(healthCheck(store));
  return provider;
}
