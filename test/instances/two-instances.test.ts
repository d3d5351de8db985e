/**
 * Two real provider processes (`node src/hosted/server.ts`) on one Redis, one key prefix and one
 * KEYS_FILE, behind the test's own load balancer (test/helpers/route-proxy.ts) whose address is
 * the shared ISSUER. The test sends each step of a sign-in to the instance it chooses and shows
 * that everything that matters for security lives in the shared store: interactions, sessions,
 * the used TOTP steps, the wrong-code lock and trusted devices.
 */
import type { Store } from '../../src/store/store.ts';
import { createAccountDirectory, type AccountDirectory } from '../../src/hosted/account-directory.ts';
import { systemClock } from '../../src/clock.ts';
import { timeStep, totpCode } from '../../src/factors/totp/totp.ts';
import { createFactorGuard } from '../../src/guard/factor-guard.ts';
import { silentLogger } from '../../src/log.ts';
import { ACR, AMR } from '../../src/oidc/acr.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import { base32Decode } from '../helpers/base32.ts';
import { hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { reauthenticate, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { deleteRedisPrefix, randomRedisPrefix, TEST_REDIS_URL } from '../helpers/redis.ts';
import { SERVED_BY_HEADER, startRouteProxy, type RouteProxy } from '../helpers/route-proxy.ts';
import { runCli, startProviderProcess, stopAllProcesses, tempDir, writeClientsFile, writeKeysFile, type ProviderProcess } from '../helpers/server-process.ts';
import { TEST_CLIENTS } from '../helpers/start-idp.ts';
import { createClient } from 'redis';
import path from 'node:path';
import { formAction } from '../helpers/http-session.ts';
import { addPhone } from '../helpers/mfa-records.ts';
import { latestCode, readOutbox } from '../helpers/sms-outbox.ts';
import { enrolledThroughProxy } from '../helpers/proxied-enrolment.ts';

const PASSWORD = 'a password for two real instances';
const TEST_TIMEOUT_MS = 90_000;

let work: ReturnType<typeof tempDir>;
let prefix: string;
let proxy: RouteProxy;
let a: ProviderProcess;
let b: ProviderProcess;
let env: Record<string, string>;
let store: Store;
let directory: AccountDirectory;

beforeAll(async () => {
  work = tempDir('oidc-mfa-instances-');
  prefix = randomRedisPrefix();
  proxy = await startRouteProxy({}, 'a');
  env = {
    NODE_ENV: 'test',
    ISSUER: proxy.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    KEYS_FILE: writeKeysFile(work.dir),
    CLIENTS_FILE: writeClientsFile(work.dir, TEST_CLIENTS),
    DATA_DIR: work.dir,
    DEMO_APP: 'false',
    // Text messages go to a development outbox both instances append to: the test reads codes there.
    SMS_PROVIDER: 'outbox',
    SMS_OUTBOX: path.join(work.dir, 'sms-outbox.jsonl'),
  };
  [a, b] = await Promise.all([startProviderProcess('instance A', env), startProviderProcess('instance B', env)]);
  proxy.setUpstream('a', a.port);
  proxy.setUpstream('b', b.port);
  // The test's own view of the shared store: accounts are added here, the lock is read here.
  store = await openRedisStore({ url: TEST_REDIS_URL, prefix, logger: silentLogger });
  directory = createAccountDirectory(store.accounts, systemClock, (id) => store.mfa.remove(id));
}, 60_000);

afterAll(async () => {
  await stopAllProcesses();
  await proxy?.close();
  await store?.close();
  if (prefix) {
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    // Nothing of this run is left in Redis.
    const client = createClient({ url: TEST_REDIS_URL, socket: { reconnectStrategy: false } });
    await client.connect();
    try {
      const left: string[] = [];
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) left.push(...keys);
      expect(left).toEqual([]);
    } finally {
      client.destroy();
    }
  }
  work?.remove();
  expect(a?.isRunning()).toBe(false);
  expect(b?.isRunning()).toBe(false);
}, 30_000);

const servedBy = (response: HttpResponse) => response.headers.get(SERVED_BY_HEADER);

/** The requests the proxy forwarded from index `from` on. */
const forwardedSince = (from: number) => proxy.log.slice(from);

/** A new account with the authenticator app set up through `via` (test/helpers/proxied-enrolment.ts). */
const enrolledAccount = (name: string, via: 'a' | 'b') => enrolledThroughProxy({ directory, proxy, password: PASSWORD }, name, via);

/** The authorization request and the sign-in page, through the current route. */
async function startSignIn(browser = new HttpSession()) {
  const client = await discoverClient(proxy.url, 'first-party-app');
  const authorization = await buildAuthorization(client);
  const page = await openAuthorization(browser, proxy.url, authorization);
  return { client, authorization, page, browser };
}

/** A six-digit string that is no valid code of `key` anywhere near now. */
function wrongCodeFor(key: string): string {
  const now = timeStep(Date.now());
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totpCode(base32Decode(key.replace(/\s/g, '')), now + d)));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

describe('two provider processes on one Redis, behind one load balancer', () => {
  test('a sign-in whose steps alternate instances completes: page on A, password on B, code on A, token on B', async () => {
    const { email, key, totp } = await enrolledAccount('alternate', 'b');
    const from = proxy.log.length;

    proxy.route('a');
    const { client, authorization, page, browser } = await startSignIn();
    expect(servedBy(page)).toBe('a');
    expect(page.text).toContain('autocomplete="current-password"');

    proxy.route('b');
    const challenge = await submitPassword(browser, proxy.url, page, email, PASSWORD);
    expect(servedBy(challenge)).toBe('b');
    expect(challenge.status).toBe(200);
    expect(challenge.text).toContain('autocomplete="one-time-code"');

    proxy.route('a');
    const callback = await submitCode(browser, proxy.url, challenge, totp.code(key));
    expect(isCallback(callback)).toBe(true);
    expect(servedBy(callback)).toBe('a');

    proxy.route('b');
    const tokens = await redeemCode(client, callback, authorization);
    const claims = tokens.claims()!;
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.amr).toEqual([...AMR.totp]);
    expect(claims.acr).toBe(ACR.mfa);
    expect(claims.iss).toBe(proxy.url);

    // The load balancer really sent each step where the test said.
    const steps = forwardedSince(from);
    const where = (method: string, pattern: RegExp) => steps.filter((r) => r.method === method && pattern.test(r.path)).map((r) => r.to);
    expect(where('GET', /^\/auth\?/)).toEqual(['a']);
    expect(where('GET', /^\/interaction\/[^/]+$/)[0]).toBe('a');
    expect(where('POST', /^\/interaction\/[^/]+\/login$/)).toEqual(['b']);
    expect(where('POST', /^\/interaction\/[^/]+\/totp$/)).toEqual(['a']);
    expect(where('POST', /^\/token$/)).toEqual(['b']);
  }, TEST_TIMEOUT_MS);

  test("one sign-in, one account across instances: A's password via A, then B's via B in the same interaction is refused, and the page stays A's", async () => {
    const attacker = await enrolledAccount('confusion-attacker', 'a');
    const victim = await enrolledAccount('confusion-victim', 'b');

    proxy.route('a');
    const { client, authorization, page, browser } = await startSignIn();
    const challenge = await submitPassword(browser, proxy.url, page, attacker.email, PASSWORD);
    expect(challenge.text).toContain('autocomplete="one-time-code"');

    proxy.route('b');
    const again = await browser.postForm(new URL(/action="([^"]*\/login)"/.exec(page.text)![1]!, proxy.url).href, { csrf: hiddenField(page.text, 'csrf'), email: victim.email, password: PASSWORD });
    expect(servedBy(again)).toBe('b');
    expect(again.status).toBe(409);
    expect(again.text).toContain('SIGN_IN_UNDER_WAY');

    // The victim's own code does not finish the attacker's interaction as the victim: the subject stayed A.
    proxy.route('a');
    const withVictimCode = await submitCode(browser, proxy.url, challenge, victim.totp.code(victim.key));
    expect(withVictimCode.status).toBe(400);
    const done = await submitCode(browser, proxy.url, withVictimCode, attacker.totp.code(attacker.key));
    expect(isCallback(done)).toBe(true);
    proxy.route('b');
    expect((await redeemCode(client, done, authorization)).claims()?.sub).toBe(attacker.accountId);
  }, TEST_TIMEOUT_MS);

  test('a TOTP step accepted via A is refused when replayed via B', async () => {
    const { email, key, totp } = await enrolledAccount('replay', 'a');

    proxy.route('a');
    const first = await startSignIn();
    const firstChallenge = await submitPassword(first.browser, proxy.url, first.page, email, PASSWORD);
    const code = totp.code(key);
    const accepted = await submitCode(first.browser, proxy.url, firstChallenge, code);
    expect(servedBy(accepted)).toBe('a');
    expect(isCallback(accepted)).toBe(true);

    // A second sign-in of the same account, everything via B, with the very same code.
    proxy.route('b');
    const second = await startSignIn();
    const challenge = await submitPassword(second.browser, proxy.url, second.page, email, PASSWORD);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    const replayed = await submitCode(second.browser, proxy.url, challenge, code);
    expect(servedBy(replayed)).toBe('b');
    expect(replayed.status).toBe(400);
    expect(replayed.text).toContain('data-code="CODE_INVALID"');
    expect(isCallback(replayed)).toBe(false);

    // B itself is fine: the next step's code goes through there.
    await totp.ready();
    const next = await submitCode(second.browser, proxy.url, replayed, totp.code(key));
    expect(isCallback(next)).toBe(true);
    expect((await redeemCode(second.client, next, second.authorization)).claims()?.amr).toEqual([...AMR.totp]);
  }, TEST_TIMEOUT_MS);

  test('a lockout reached via A (5 wrong codes) holds via B: the right code is refused there', async () => {
    const { email, accountId, key, totp } = await enrolledAccount('lockout', 'a');

    proxy.route('a');
    const { page, browser } = await startSignIn();
    let challenge = await submitPassword(browser, proxy.url, page, email, PASSWORD);
    for (let i = 0; i < 4; i += 1) {
      challenge = await submitCode(browser, proxy.url, challenge, wrongCodeFor(key));
      expect(servedBy(challenge)).toBe('a');
      expect(challenge.status).toBe(400);
      expect(challenge.text).toContain('data-code="CODE_INVALID"');
    }
    // The fifth pauses the app's codes: the page says so (the code form of the page before stays open in this test's hands).
    const paused = await submitCode(browser, proxy.url, challenge, wrongCodeFor(key));
    expect(servedBy(paused)).toBe('a');
    expect(paused.status).toBe(429);
    expect(paused.text).toContain('data-code="FACTOR_PAUSED"');
    // The lock is in the shared store, not in A's memory.
    const guard = createFactorGuard(store.counters, { lockAfterFailures: 5, maxFailures: 100 });
    expect(await guard.isLocked(accountId, 'totp')).toBe(true);

    // The same interaction, continued on B, with the right (never used) code: refused.
    proxy.route('b');
    const right = totp.code(key);
    const refused = await submitCode(browser, proxy.url, challenge, right);
    expect(servedBy(refused)).toBe('b');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('data-code="FACTOR_PAUSED"');
    expect(isCallback(refused)).toBe(false);

    // A whole new sign-in on B is refused too (the locked factor never checked, so never spent, that code).
    const fresh = await startSignIn();
    const freshChallenge = await submitPassword(fresh.browser, proxy.url, fresh.page, email, PASSWORD);
    expect(freshChallenge.text).toContain('data-code="FACTOR_PAUSED"');
    const freshUid = /\/interaction\/([\w-]+)/.exec(freshChallenge.url)![1]!;
    const refusedAgain = await fresh.browser.submitForm(`${proxy.url}/interaction/${freshUid}/totp`, { csrf: hiddenField(freshChallenge.text, 'csrf'), code: right });
    expect(servedBy(refusedAgain)).toBe('b');
    expect(refusedAgain.text).toContain('data-code="FACTOR_PAUSED"');

    // It was the lock: once an operator clears it (CLI, a third process), B accepts a right code.
    const unlock = await runCli(env, ['mfa', 'unlock', '--email', email]);
    expect(unlock.code).toBe(0);
    expect(await guard.isLocked(accountId, 'totp')).toBe(false);
    await totp.ready();
    const unpaused = await fresh.browser.get(`${proxy.url}/interaction/${freshUid}`);
    expect(unpaused.text).toContain('autocomplete="one-time-code"');
    const accepted = await submitCode(fresh.browser, proxy.url, unpaused, totp.code(key));
    expect(isCallback(accepted)).toBe(true);
    expect((await redeemCode(fresh.client, accepted, fresh.authorization)).claims()?.amr).toEqual([...AMR.totp]);
  }, TEST_TIMEOUT_MS);

  test('a trusted device revoked via B (Security → devices → re-authenticate → Revoke all) no longer skips the challenge via A', async () => {
    const { email, key, totp, console } = await enrolledAccount('trusted', 'a');
    const onlyTrustCookie = (browser: HttpSession) => {
      for (const name of [...browser.cookies.keys()]) if (!name.startsWith('oidc-mfa-trusted;')) browser.cookies.delete(name);
    };

    // Trust this browser on A.
    proxy.route('a');
    const browser = new HttpSession();
    const first = await startSignIn(browser);
    const challenge = await submitPassword(browser, proxy.url, first.page, email, PASSWORD);
    expect(isCallback(await submitCode(browser, proxy.url, challenge, totp.code(key), { trust: '1' }))).toBe(true);
    expect([...browser.cookies.keys()].some((name) => name.startsWith('oidc-mfa-trusted;'))).toBe(true);

    // A new sign-in on A from this browser skips the challenge, and the token says so.
    onlyTrustCookie(browser);
    const remembered = await startSignIn(browser);
    const skipped = await submitPassword(browser, proxy.url, remembered.page, email, PASSWORD);
    expect(isCallback(skipped)).toBe(true);
    const rememberedClaims = (await redeemCode(remembered.client, skipped, remembered.authorization)).claims()!;
    expect(rememberedClaims.acr).toBe(ACR.rememberedDevice);
    expect(rememberedClaims.amr).toEqual([...AMR.password]);

    // On B: Security → Trusted devices → sign in again (password + code) → Revoke all.
    proxy.route('b');
    const from = proxy.log.length;
    const devices = await console.get(`${proxy.url}/account/security/devices`);
    expect(devices.status).toBe(200);
    expect(devices.text).toContain('id="reauth"');
    await totp.ready();
    const freshDevices = await reauthenticate(console, proxy.url, devices, { email, password: PASSWORD, key, clock: totp.clock });
    expect(freshDevices.url).toBe(`${proxy.url}/account/security/devices`);
    expect(freshDevices.text).toContain('Revoke all');
    const revoked = await console.postForm(`${proxy.url}/account/security/devices/revoke-all`, { csrf: hiddenField(freshDevices.text, 'csrf') });
    expect(revoked.status).toBe(303);
    expect((await console.get(`${proxy.url}/account/security/devices`)).text).toContain('No trusted devices.');
    expect(forwardedSince(from).map((r) => r.to)).toEqual(forwardedSince(from).map(() => 'b'));

    // Back on A, the same browser with its trust cookie gets the challenge again.
    proxy.route('a');
    onlyTrustCookie(browser);
    const after = await startSignIn(browser);
    const challengedAgain = await submitPassword(browser, proxy.url, after.page, email, PASSWORD);
    expect(servedBy(challengedAgain)).toBe('a');
    expect(isCallback(challengedAgain)).toBe(false);
    expect(challengedAgain.text).toContain('autocomplete="one-time-code"');
  }, TEST_TIMEOUT_MS);
});

describe('"Try another way" across instances', () => {
  const outbox = () => env.SMS_OUTBOX!;

  test('the method picked via B is the one A asks for and texts, and the app code A would have taken is refused; the code texted via A finishes via B', async () => {
    const account = await enrolledAccount('switch-instances', 'a');
    const phone = '+447700900123';
    const record = await store.mfa.get(account.accountId);
    await addPhone(store.mfa, account.accountId, phone, record!.backupCodeHash!, Date.now());

    proxy.route('a');
    const { client, authorization, page, browser } = await startSignIn();
    const challenge = await submitPassword(browser, proxy.url, page, account.email, PASSWORD);
    expect(servedBy(challenge)).toBe('a');
    expect(challenge.text).toContain('id="other-ways"');
    const uid = /\/interaction\/([^/"?]+)/.exec(challenge.url)![1]!;

    // "Try another way" on B: the phone is picked there.
    proxy.route('b');
    const ways = await browser.get(`${proxy.url}/interaction/${uid}/other-ways`);
    expect(servedBy(ways)).toBe('b');
    const phoneButton = [...ways.text.matchAll(/name="method" value="([^"]+)">\s*<button[^>]*>([^<]+)</g)].find((form) => /Text message/.test(form[2]!));
    expect(phoneButton).toBeDefined();
    const textsBefore = readOutbox(outbox()).filter((message) => message.to === phone).length;
    await browser.postForm(formAction(ways.text, '/other-ways', proxy.url), { csrf: hiddenField(ways.text, 'csrf'), method: phoneButton![1]! });

    // A reads the pick from the shared store: it shows the text-message page and sends the code.
    proxy.route('a');
    const smsPage = await browser.get(`${proxy.url}/interaction/${uid}`);
    expect(servedBy(smsPage)).toBe('a');
    expect(smsPage.text).toContain('Enter the code we texted you');
    expect(readOutbox(outbox()).filter((message) => message.to === phone)).toHaveLength(textsBefore + 1);
    // The app is no longer what this sign-in asks for, on either instance.
    const appCode = await submitCode(browser, proxy.url, challenge, account.totp.code(account.key));
    expect(appCode.status).toBe(400);
    expect(appCode.text).toContain('WRONG_STEP');

    proxy.route('b');
    const done = await browser.follow(await browser.postForm(formAction(smsPage.text, '/sms', proxy.url), {
      csrf: hiddenField(smsPage.text, 'csrf'), code: latestCode(outbox(), phone),
    }), proxy.url);
    expect(isCallback(done)).toBe(true);
    const claims = (await redeemCode(client, done, authorization)).claims()!;
    expect(claims.sub).toBe(account.accountId);
    expect(claims.amr).toEqual([...AMR.sms]);
  }, TEST_TIMEOUT_MS);
});
