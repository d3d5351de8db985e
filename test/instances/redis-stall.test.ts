import { openStore } from '../../src/hosted/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { HttpSession } from '../helpers/http-session.ts';
import { buildAuthorization, discoverClient } from '../helpers/oidc-flow.ts';
import { deleteRedisPrefix, randomRedisPrefix } from '../helpers/redis.ts';
import { startStallProxy, type StallProxy } from '../helpers/stall-proxy.ts';
import { RP_CALLBACK, startIdp, type TestIdp } from '../helpers/start-idp.ts';
import { testConfig } from '../helpers/test-config.ts';
import { REDIS_URL } from '../helpers/test-stores.ts';

/** Short, so a stalled call ends well inside jest's timeout; a hang would fail the test by timing out. */
const STORE_TIMEOUT_MS = 400;

/**
 * A Redis that stops answering without closing the connection (frozen, or a network path that
 * drops packets): every store call has a deadline, so pages and JSON endpoints answer 503 rather
 * than hang, and the next request after Redis answers again works.
 */
describe('Redis stalls with the connection open (a TCP proxy that stops forwarding)', () => {
  const prefix = randomRedisPrefix();
  let proxy: StallProxy;
  let store: Store;
  let idp: TestIdp;

  beforeAll(async () => {
    proxy = await startStallProxy({ host: '127.0.0.1', port: Number(new URL(REDIS_URL).port) });
    // Through the config, as the server opens it: REDIS_URL and STORE_TIMEOUT_MS.
    const config = testConfig({ storeTimeoutMs: STORE_TIMEOUT_MS });
    store = await openStore({ ...config, redis: { ...config.redis, url: proxy.url, prefix } });
    idp = await startIdp({ store, config: { storeTimeoutMs: STORE_TIMEOUT_MS } });
  });

  afterAll(async () => {
    proxy.resume();
    await idp.close();
    await store.close();
    await proxy.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
  });

  test('while stalled: the sign-in page, POST /token and /healthz answer 503; once Redis answers again, the sign-in page works', async () => {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const session = new HttpSession();
    const before = await session.follow(await session.get((await buildAuthorization(client)).url), idp.issuer);
    expect(before.status).toBe(200);

    proxy.pause();
    const page = await session.get((await buildAuthorization(client)).url);
    expect(page.status).toBe(503);
    expect(page.text).toContain('STORE_UNAVAILABLE');
    const token = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'a-code-the-store-must-look-up', redirect_uri: RP_CALLBACK, client_id: 'first-party-app', code_verifier: 'v'.repeat(43) }),
    });
    expect({ status: token.status, body: await token.json() }).toEqual({ status: 503, body: expect.objectContaining({ error: 'temporarily_unavailable' }) });
    expect((await fetch(`${idp.issuer}/healthz`)).status).toBe(503);

    proxy.resume();
    const after = await session.follow(await session.get((await buildAuthorization(client)).url), idp.issuer);
    expect(after.status).toBe(200);
    expect(after.text).toContain('autocomplete="current-password"');
  }, 20_000);
});
