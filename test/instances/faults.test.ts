/**
 * Faults with real processes: Redis stopping mid-sign-in (the test's own redis-server, never the
 * shared one on 6379), the provider killed (SIGKILL) during enrolment, and a clean restart on
 * the same SQLite file. Each provider runs behind the test's proxy, whose address is the ISSUER,
 * so a restarted process (on a new port) is the same issuer to the browser.
 */
import path from 'node:path';
import { createAccountDirectory } from '../../src/hosted/account-directory.ts';
import { systemClock } from '../../src/clock.ts';
import type { MfaRecord } from '../../src/mfa/mfa-store.ts';
import { ACR, AMR } from '../../src/oidc/acr.ts';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { openSecurityPage, submitCode, textOf } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { realTotp } from '../helpers/real-totp.ts';
import { startRedisServer, type OwnRedisServer } from '../helpers/redis-server.ts';
import { startRouteProxy, type RouteProxy } from '../helpers/route-proxy.ts';
import {
  addAccountWithCli, startProviderProcess, stopAllProcesses, tempDir, writeClientsFile, writeKeysFile, type ProviderProcess,
} from '../helpers/server-process.ts';
import { RP_CALLBACK, TEST_CLIENTS } from '../helpers/start-idp.ts';
import { appOf, phoneOf } from '../helpers/mfa-records.ts';

const PASSWORD = 'a password for fault tests';
const TEST_TIMEOUT_MS = 90_000;

/** What each test opened, closed in reverse order after it, pass or fail; then any process still running is stopped. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await stopAllProcesses();
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch {
      // keep cleaning up
    }
  }
}, 30_000);

/** A proxy (the ISSUER), a temp dir with keys and clients, and the environment every process of this deployment shares. */
async function deployment(extra: Record<string, string> = {}) {
  const work = tempDir('oidc-mfa-faults-');
  cleanups.push(() => work.remove());
  const proxy = await startRouteProxy({}, 'p');
  cleanups.push(() => proxy.close());
  const dataDir = path.join(work.dir, 'data');
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    ISSUER: proxy.url,
    KEYS_FILE: writeKeysFile(work.dir),
    CLIENTS_FILE: writeClientsFile(work.dir, TEST_CLIENTS),
    DATA_DIR: dataDir,
    DEMO_APP: 'false',
    SMS_PROVIDER: 'none',
    ...extra,
  };
  const start = async (name: string) => {
    const provider = await startProviderProcess(name, env);
    proxy.setUpstream('p', provider.port);
    return provider;
  };
  return { proxy, env, dataDir, issuer: proxy.url, start };
}

async function startSignIn(issuer: string, browser = new HttpSession()) {
  const client = await discoverClient(issuer, 'first-party-app');
  const authorization = await buildAuthorization(client);
  const page = await openAuthorization(browser, issuer, authorization);
  return { client, authorization, page, browser };
}

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

/** The account and its MFA record, read straight from the SQLite file (the provider has exited). */
async function readSqlite(dataDir: string, email: string): Promise<{ accountId: string; record: MfaRecord | undefined }> {
  const store = openSqliteStore({ file: path.join(dataDir, 'oidc-mfa.sqlite'), sweepIntervalMs: 0 });
  try {
    const account = await createAccountDirectory(store.accounts, systemClock).findByEmail(email);
    if (!account) throw new Error(`no account ${email} in the SQLite file`);
    return { accountId: account.id, record: await store.mfa.get(account.id) };
  } finally {
    await store.close();
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
    const token = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: new URL(callback.location!).searchParams.get('code')!,
        redirect_uri: RP_CALLBACK,
        client_id: 'first-party-app',
        code_verifier: second.authorization.verifier,
      }),
    });
    const userinfo = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' } });
    const seen = { token: { status: token.status, body: await token.json() }, userinfo: { status: userinfo.status, body: await userinfo.json() } };
    expect(provider.isRunning()).toBe(true);
    expect(seen).toEqual({
      token: { status: 503, body: expect.objectContaining({ error: expect.any(String) }) },
      userinfo: { status: 503, body: expect.objectContaining({ error: expect.any(String) }) },
    });
  }, TEST_TIMEOUT_MS);
});

describe('the provider is killed (SIGKILL) during enrolment, then restarted on the same SQLite DATA_DIR', () => {
  /** Which outcome each kill produced (both are correct; printed once, for the record). */
  const killOutcomes: string[] = [];
  afterAll(() => {
    if (killOutcomes.length > 0) console.log(killOutcomes.join('\n'));
  });

  /** Signs in on the Security page, chooses the app, and returns the QR page with its key. */
  async function startEnrolment(issuer: string, email: string) {
    const console = new HttpSession();
    const security = await openSecurityPage(console, issuer, { email, password: PASSWORD });
    expect(security.text).toContain('2-step verification');
    const choose = await console.follow(await console.get(`${issuer}/account/security/setup`), issuer);
    const qrPage = await console.follow(await console.postForm(`${issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'totp' }), issuer);
    expect(qrPage.text).toContain('<svg');
    return { console, qrPage, key: textOf(qrPage.text, 'totp-key') };
  }

  test('killed after the QR page was shown: nothing is enrolled, and the sign-in after restart needs only the password', async () => {
    const { env, dataDir, issuer, start } = await deployment();
    const email = 'killed-at-qr@example.com';
    await addAccountWithCli(env, email, PASSWORD);
    const first = await start('provider 1');
    await startEnrolment(issuer, email);

    const exit = await first.kill();
    expect(exit.signal).toBe('SIGKILL');

    const { record } = await readSqlite(dataDir, email);
    expect(record).toBeUndefined();

    await start('provider 2');
    const signIn = await startSignIn(issuer);
    const callback = await submitPassword(signIn.browser, issuer, signIn.page, email, PASSWORD);
    expect(isCallback(callback)).toBe(true);
    const claims = (await redeemCode(signIn.client, callback, signIn.authorization)).claims()!;
    expect(claims.amr).toEqual([...AMR.password]);
    expect(claims.acr).toBe(ACR.password);
  }, TEST_TIMEOUT_MS);

  // 0 ms: the instant the confirming POST was written to the provider; later kills land during or after its work.
  test.each([0, 60, 500])('killed %i ms after the confirming POST was sent: fully enrolled or not at all, and the sign-in after restart agrees', async (delayMs) => {
    const { proxy, env, dataDir, issuer, start } = await deployment();
    const email = `killed-at-confirm-${delayMs}@example.com`;
    await addAccountWithCli(env, email, PASSWORD);
    const first = await start('provider 1');
    const totp = realTotp();
    const { console, qrPage, key } = await startEnrolment(issuer, email);

    const sent = proxy.whenForwarded((r) => r.method === 'POST' && r.path === '/account/security/setup/app');
    const confirming = console.postForm(`${issuer}/account/security/setup/app`, { csrf: hiddenField(qrPage.text, 'csrf'), code: totp.code(key) })
      .catch((error: unknown) => error);
    await sent;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const exit = await first.kill();
    const answer = await confirming;
    // Either the provider answered before it died (a 303 to the new backup code's page), or the browser saw the connection drop (502 from the proxy).
    const answered = (answer as HttpResponse).status === 303 && Boolean((answer as HttpResponse).location?.endsWith('/account/security/backup-code/new'));

    const { record } = await readSqlite(dataDir, email);
    const enrolled = Boolean(appOf(record));
    if (enrolled) {
      expect(appOf(record)!.sealedSecret).toEqual(expect.any(String));
      expect(record!.backupCodeHash).toEqual(expect.any(String));
      expect(record!.backupCodeCreatedAt).toEqual(expect.any(Number));
    } else {
      // Not at all: no record (or, at most, one without any factor or backup code).
      expect(appOf(record)).toBeNull();
      expect(record?.backupCodeHash ?? null).toBeNull();
      expect(phoneOf(record)).toBeNull();
    }
    // The browser sent on to its new backup code means the enrolment is stored.
    if (answered) expect(enrolled).toBe(true);

    await start('provider 2');
    const signIn = await startSignIn(issuer);
    const next = await submitPassword(signIn.browser, issuer, signIn.page, email, PASSWORD);
    if (enrolled) {
      expect(next.text).toContain('autocomplete="one-time-code"');
      await totp.ready();
      const callback = await submitCode(signIn.browser, issuer, next, totp.code(key));
      expect(isCallback(callback)).toBe(true);
      expect((await redeemCode(signIn.client, callback, signIn.authorization)).claims()?.amr).toEqual([...AMR.totp]);
    } else {
      expect(isCallback(next)).toBe(true);
      expect((await redeemCode(signIn.client, next, signIn.authorization)).claims()?.amr).toEqual([...AMR.password]);
    }
    expect(exit.signal).toBe('SIGKILL');
    killOutcomes.push(`killed ${delayMs} ms after the confirming POST: ${enrolled ? 'enrolled' : 'not enrolled'}${answered ? ', backup code shown' : ', no answer'}`);
  }, TEST_TIMEOUT_MS);
});

describe('the SQLite file survives a restart', () => {
  test('signed in and enrolled on process 1; after SIGTERM, process 2 on the same DATA_DIR keeps the session and asks a new sign-in for the code', async () => {
    const { env, issuer, start, dataDir } = await deployment();
    const email = 'restart@example.com';
    await addAccountWithCli(env, email, PASSWORD);
    const first = await start('provider 1');
    const totp = realTotp();
    const browser = new HttpSession();
    const security = await openSecurityPage(browser, issuer, { email, password: PASSWORD });
    expect(security.text).toContain('id="mfa-heading"');
    const choose = await browser.follow(await browser.get(`${issuer}/account/security/setup`), issuer);
    const qrPage = await browser.follow(await browser.postForm(`${issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'totp' }), issuer);
    const key = textOf(qrPage.text, 'totp-key');
    const done = await browser.submitForm(`${issuer}/account/security/setup/app`, { csrf: hiddenField(qrPage.text, 'csrf'), code: totp.code(key) });
    expect(textOf(done.text, 'backup-code')).toMatch(/-/);

    const exit = await first.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(appOf((await readSqlite(dataDir, email)).record)).toEqual(expect.objectContaining({ sealedSecret: expect.any(String) }));

    const second = await start('provider 2');
    expect(second.port).not.toBe(first.port);

    // The browser's session is still signed in: the Security page, not the sign-in page, with MFA on.
    const page = await browser.follow(await browser.get(`${issuer}/account/security`), issuer);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${issuer}/account/security`);
    expect(page.text).not.toContain('autocomplete="current-password"');
    expect(page.text).toContain(email);
    expect(page.text).toMatch(/<strong>On<\/strong>/);

    // A new sign-in asks for the code, and the code from the app signs in.
    const signIn = await startSignIn(issuer);
    const challenge = await submitPassword(signIn.browser, issuer, signIn.page, email, PASSWORD);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    await totp.ready();
    const callback = await submitCode(signIn.browser, issuer, challenge, totp.code(key));
    expect(isCallback(callback)).toBe(true);
    expect((await redeemCode(signIn.client, callback, signIn.authorization)).claims()?.amr).toEqual([...AMR.totp]);
  }, TEST_TIMEOUT_MS);
});
