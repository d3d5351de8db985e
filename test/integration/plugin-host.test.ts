import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
// The internal composition: this host test also enrols through the MFA service, which createMfa() keeps inside.
import { composeMfa } from '../../src/plugin/create-mfa.ts';
import { AMR, ACR } from '../../src/oidc/acr.ts';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import { totpCode, timeStep } from '../../src/factors/totp/totp.ts';
import { createSecretBox } from '../../src/crypto/secret-box.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { HttpSession } from '../helpers/http-session.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { submitCode } from '../helpers/mfa-flow.ts';
import { RP_CALLBACK } from '../helpers/start-idp.ts';
import { testKeys } from '../helpers/test-config.ts';
import { hostDirectory, hostProvider } from '../helpers/plugin-host.ts';

test('a host with its own Provider and user directory adds MFA through createMfa(); password + TOTP signs in', async () => {
  const clock = createFakeClock(Date.now());
  const store = openSqliteStore({ file: ':memory:', clock, sweepIntervalMs: 0 });
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const directory = hostDirectory({ login: 'sam', id: 'host-user-1', email: 'sam@host.example', password: 'host password 1' });
  const sealingKeys = [{ id: 'host-k1', key: randomBytes(32) }];
  const keys = testKeys();

  const mfa = composeMfa({ issuer, directory, store, sealingKeys, secrets: keys.secrets, clock });
  const provider = hostProvider(issuer, mfa, {
    store, keys, clients: [{ client_id: 'host-app', token_endpoint_auth_method: 'none', redirect_uris: [RP_CALLBACK], first_party: true }],
  });
  mfa.install(provider);
  server.on('request', provider.callback());

  try {
    // The host enrols its user through the plugin's service (as its own Security page would).
    const sealed = mfa.service.startTotpSetup('host-user-1');
    const secret = createSecretBox(sealingKeys).open(sealed, 'totp:host-user-1');
    const step = mfa.service.checkSetupCode('host-user-1', sealed, totpCode(secret, timeStep(clock())));
    expect(step).toBeDefined();
    await mfa.service.enrolTotp('host-user-1', sealed, step!, { how: 'security-page', device: 'test' });

    clock.advance(30_000);
    const client = await discoverClient(issuer, 'host-app');
    const session = new HttpSession();
    const authorization = await buildAuthorization(client, { scope: 'openid' });
    const login = await openAuthorization(session, issuer, authorization);
    // The strict headers are on the plugin's pages, not on the host's (or oidc-provider's) answers.
    expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('content-security-policy')).toBeNull();
    expect(discovery.headers.get('x-frame-options')).toBeNull();
    const challenge = await submitPassword(session, issuer, login, 'sam', 'host password 1');
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    const callback = await submitCode(session, issuer, challenge, totpCode(secret, timeStep(clock())));
    expect(isCallback(callback)).toBe(true);
    const claims = (await redeemCode(client, callback, authorization)).claims()!;
    expect(claims.sub).toBe('host-user-1');
    expect(claims.amr).toEqual([...AMR.totp]);
    expect(claims.acr).toBe(ACR.mfa);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  }
});
