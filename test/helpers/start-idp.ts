import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientMetadata } from 'oidc-provider';
import type twilio from 'twilio';
import type { Clock } from '../../src/clock.ts';
import { composeIdentityProvider } from '../../src/hosted/compose.ts';
import type { Config, Keys } from '../../src/hosted/config/schema.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import type { Store } from '../../src/store/store.ts';
import { testConfig, testKeys } from './test-config.ts';

export const RP_CALLBACK = 'http://rp.test/callback';
export const RP_LOGGED_OUT = 'http://rp.test/logged-out';

/** The relying apps every integration test can use; their redirects are read, never followed. */
export const TEST_CLIENTS: ClientMetadata[] = [
  {
    client_id: 'third-party-app',
    client_name: 'Third Party App',
    client_secret: 'third-party-app-secret-for-tests-only',
    redirect_uris: [RP_CALLBACK],
    post_logout_redirect_uris: [RP_LOGGED_OUT],
  },
  {
    client_id: 'first-party-app',
    client_name: 'First Party App',
    token_endpoint_auth_method: 'none',
    redirect_uris: [RP_CALLBACK],
    post_logout_redirect_uris: [RP_LOGGED_OUT],
    first_party: true,
  },
];

/** A first-party app registered with `require_mfa: true`. */
export const STRICT_CLIENT: ClientMetadata = {
  client_id: 'strict-app',
  client_name: 'Strict App',
  token_endpoint_auth_method: 'none',
  redirect_uris: [RP_CALLBACK],
  first_party: true,
  require_mfa: true,
};

export interface TestIdp {
  issuer: string;
  server: Server;
  app: ReturnType<typeof composeIdentityProvider>['app'];
  directory: ReturnType<typeof composeIdentityProvider>['directory'];
  config: Config;
  close(): Promise<void>;
}

/**
 * The hosted identity provider on port 0, issuer = its real address. The caller owns and closes
 * the store. A fake `clock` drives the MFA step (TOTP steps, re-authentication age); the account
 * directory keeps real time, because oidc-provider stamps sessions with real time.
 */
export async function startIdp(options: { store: Store; clock?: Clock; smsHttpClient?: twilio.RequestClient; config?: Partial<Config>; clients?: ClientMetadata[]; log?: Logger; keys?: Keys; issuerHost?: string; issuerPath?: string }): Promise<TestIdp> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // `localhost` for browsers' WebAuthn, which refuses an IP address as the RP ID (WebAuthn L3 §5.1.3).
  // An issuerPath (`/idp`) serves the whole provider under it, as ISSUER=https://host/idp does.
  const issuer = `http://${options.issuerHost ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}${options.issuerPath ?? ''}`;
  const config = testConfig({ issuer, ...options.config });
  const { app, directory } = composeIdentityProvider({
    config,
    keys: options.keys ?? testKeys(),
    store: options.store,
    clients: options.clients ?? TEST_CLIENTS,
    log: options.log ?? silentLogger,
    clock: options.clock,
    smsHttpClient: options.smsHttpClient,
  });
  server.on('request', app.callback());
  return {
    issuer,
    server,
    app,
    directory,
    config,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
