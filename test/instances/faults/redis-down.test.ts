import { AMR } from '../../../src/oidc/acr.ts';
import { formAction, hiddenField } from '../../helpers/http-session.ts';
import { isCallback, postCodeToTokenEndpoint, redeemCode, submitPassword } from '../../helpers/oidc-flow.ts';
import { startRedisServer, type OwnRedisServer } from '../../helpers/redis-server.ts';
import { addAccountWithCli, type ProviderProcess } from '../../helpers/server-process.ts';
import { PASSWORD, startSignIn, TEST_TIMEOUT_MS, useFaultDeployments } from './faults-kit.ts';

/**
 * Redis stopping mid-sign-in (the test's own redis-server, never the shared one on 6379): the
 * pages and /healthz answer 503, oidc-provider's JSON endpoints too, the process lives on, and a
 * fresh sign-in works once Redis is back.
 * The shared set-up (the proxy as ISSUER, the provider processes, the clean-up) is in ./faults-kit.ts.
 */
const { cleanups, deployment } = useFaultDeployments();

async function waitForHealth(issuer: string, status: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let last = 0;
  while (Date.now() - started < timeoutMs) {
    last = (await fetch(`${issuer}/healthz`, { signal: AbortSignal.timeout(3_000) })).status;
    if (last === status) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`/healthz still ${last} after ${timeoutMs} ms (waiting for ${status})`);
}

/** Is the process there (signal 0), as the OS sees it? */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Redis stops in the middle of a sign-in (own redis-server)', () => {
  test('the password step answers 503 with a readable page, /healthz 503, the process lives on; after Redis is back a fresh sign-in works', async () => {
    const redis: OwnRedisServer = await startRedisServer();
    cleanups.push(() => redis.dispose());
    const { proxy, env, issuer, start } = await deployment({ REDIS_URL: redis.url, REDIS_PREFIX: 'oidc-mfa-fault:' });
    const provider: ProviderProcess = await start('provider on own Redis');
    const email = 'redis-outage@example.com';
    await addAccountWithCli(env, email, PASSWORD);

    const { page, browser } = await startSignIn(issuer);
    expect(page.status).toBe(200);
    expect(page.text).toContain('autocomplete="current-password"');
    await waitForHealth(issuer, 200, 5_000);

    await redis.stop();
    expect(redis.isRunning()).toBe(false);

    const answer = await browser.submitForm(formAction(page.text, '/login', issuer), { csrf: hiddenField(page.text, 'csrf'), email, password: PASSWORD });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toMatch(/text\/html/);
    expect(answer.text).toMatch(/temporarily unavailable/i);
    expect(answer.text).toContain('STORE_UNAVAILABLE');
    // The title's own "Error: " (a page reporting a problem says so first) is ours; any other "Error:" is a leak.
    expect(answer.text).not.toMatch(/at \w+ \(|node_modules|(?<!<title>)Error:/);

    // A new authorization request, the sign-in page and /healthz while Redis is down: 503s, never 500.
    const health = await fetch(`${issuer}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', store: 'redis' });
    const reload = await browser.get(page.url);
    expect(reload.status).toBe(503);
    expect(reload.text).toMatch(/temporarily unavailable/i);
    const authorize = (await startSignIn(issuer)).page;
    expect(authorize.status).toBe(503);
    expect(authorize.text).toMatch(/temporarily unavailable/i);

    expect(provider.isRunning()).toBe(true);
    expect(alive(provider.pid)).toBe(true);

    // Redis back on the same port, empty: the provider reconnects by itself.
    await redis.start();
    await waitForHealth(issuer, 200, 20_000);
    await addAccountWithCli(env, email, PASSWORD);
    const fresh = await startSignIn(issuer);
    const callback = await submitPassword(fresh.browser, issuer, fresh.page, email, PASSWORD);
    expect(isCallback(callback)).toBe(true);
    const claims = (await redeemCode(fresh.client, callback, fresh.authorization)).claims()!;
    expect(claims.amr).toEqual([...AMR.password]);
    expect(claims.sub).toEqual(expect.any(String));

    // Nothing answered 500 or crashed, at any step.
    expect(proxy.log.filter((r) => (r.status ?? 0) >= 500 && r.status !== 503)).toEqual([]);
    expect(provider.isRunning()).toBe(true);
    expect(provider.output()).not.toMatch(/"code":"INTERNAL"/);
  }, TEST_TIMEOUT_MS);
});

describe('Redis down: the JSON endpoints of oidc-provider', () => {
  /*
   * While Redis is down, oidc-provider's own error handler catches the StoreUnavailableError; its
   * JSON branch would answer 500 "server_error" and emit 'server_error'. The app listens for it
   * (src/hosted/app.ts) and answers through the one store-unavailable answer (src/http/store-unavailable.ts):
   * 503, Retry-After, {"error":"temporarily_unavailable"}, so a relying app (and its retry logic,
   * or a load balancer) can tell "try again" from a bug.
   */
  test('while Redis is down, POST /token and GET /me answer 503 (retry later), not 500', async () => {
    const redis: OwnRedisServer = await startRedisServer();
    cleanups.push(() => redis.dispose());
    const { env, issuer, start } = await deployment({ REDIS_URL: redis.url, REDIS_PREFIX: 'oidc-mfa-fault:' });
    const provider = await start('provider on own Redis');
    const email = 'redis-outage-json@example.com';
    await addAccountWithCli(env, email, PASSWORD);

    // One sign-in redeemed (an access token for userinfo), one left at the callback (a code to redeem).
    const first = await startSignIn(issuer);
    const tokens = await redeemCode(first.client, await submitPassword(first.browser, issuer, first.page, email, PASSWORD), first.authorization);
    const second = await startSignIn(issuer);
    const callback = await submitPassword(second.browser, issuer, second.page, email, PASSWORD);
    expect(isCallback(callback)).toBe(true);

    await redis.stop();
    const token = await postCodeToTokenEndpoint(issuer, callback, second.authorization);
    const userinfo = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' } });
    const seen = { token: { status: token.status, body: await token.json() }, userinfo: { status: userinfo.status, body: await userinfo.json() } };
    expect(provider.isRunning()).toBe(true);
    expect(seen).toEqual({
      token: { status: 503, body: expect.objectContaining({ error: expect.any(String) }) },
      userinfo: { status: 503, body: expect.objectContaining({ error: expect.any(String) }) },
    });
  }, TEST_TIMEOUT_MS);
});
