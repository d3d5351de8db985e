/**
 * Redis Sentinel with real processes (Debian's redis-server: a primary, a replica, three
 * sentinels on free loopback ports): the primary is killed (SIGKILL) during continuous sign-ins.
 * Sign-ins resume within 30 s (issue 15), nothing acknowledged before the kill is lost (an
 * enrolment, a spent backup code, a revoked device: REDIS_WAIT_REPLICAS=1 makes each wait for the
 * replica), and every failure a person saw was the 503 page, never a 500 or another error.
 * Slow shared machine: every wait is generous, and the only timed assertion is the 30 s.
 */
import { createClient } from 'redis';
import type * as oidc from 'openid-client';
import { openStore } from '../../src/hosted/open-store.ts';
import { silentLogger } from '../../src/log.ts';
import type { Store } from '../../src/store/store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { hiddenField, HttpSession } from '../helpers/http-session.ts';
import { codeFor, enrolledAccount, reauthenticate, submitCode, useBackupCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, submitPassword } from '../helpers/oidc-flow.ts';
import { startRedisServer } from '../helpers/redis-server.ts';
import { startSentinelDeployment, type SentinelDeployment } from '../helpers/redis-sentinel.ts';
import { stopAllProcesses } from '../helpers/server-process.ts';
import { startIdp, type TestIdp } from '../helpers/start-idp.ts';
import { passwordSignInOutcome, type SignInOutcome } from '../helpers/sign-in-outcome.ts';
import { testConfig } from '../helpers/test-config.ts';
import { randomRedisPrefix } from '../helpers/redis.ts';

const TEST_TIMEOUT_MS = 240_000;

const PASSWORD = 'a password for the failover test';
const STEP_MS = 30_000;
/** The bound: sign-ins work again within 30 s of the primary's death. */
const RESUME_WITHIN_MS = 30_000;
/** Generous waits for a loaded 2-core machine; none of them is asserted on. */
const SLOW = 90_000;

type Outcome = SignInOutcome;

describe('Redis Sentinel: the primary dies during sign-ins', () => {
  let deployment: SentinelDeployment;
  let store: Store;
  let idp: TestIdp;
  const clock = createFakeClock();

  beforeAll(async () => {
    clock.set(Date.now());
    deployment = await startSentinelDeployment({ readyTimeoutMs: SLOW });
    // Through the config, as server.ts opens it: REDIS_SENTINEL_URLS, REDIS_SENTINEL_NAME, REDIS_WAIT_REPLICAS.
    const config = testConfig();
    const redis = { ...config.redis, url: null, prefix: randomRedisPrefix(), sentinel: { urls: deployment.sentinelUrls, name: deployment.name }, waitReplicas: 1 };
    store = await openStore({ ...config, redis }, { logger: silentLogger });
    idp = await startIdp({ store, clock, config: { redis } });
  }, SLOW * 2);

  afterAll(async () => {
    await idp?.close();
    await store?.close();
    await deployment?.dispose();
    await stopAllProcesses();
  });

  const signInOnce = (client: oidc.Configuration, email: string) => passwordSignInOutcome(idp.issuer, client, email, PASSWORD);

  /** Waits until the new primary has a replica in sync again, so WAIT 1 can be met after the checks' writes. */
  async function replicaInSync(primaryPort: number): Promise<void> {
    const admin = createClient({ url: `redis://127.0.0.1:${primaryPort}` });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const deadline = Date.now() + SLOW;
      while (!/slave0:.*state=online/.test(await admin.info('replication'))) {
        if (Date.now() > deadline) throw new Error(`no replica in sync with 127.0.0.1:${primaryPort} after ${SLOW} ms`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      admin.destroy();
    }
  }

  test('sign-ins resume within 30 s, every failure is the 503 page, and acknowledged enrolment, spent backup code and revoked device survive', async () => {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const plain = 'plain@example.com';
    await idp.directory.add({ email: plain, password: PASSWORD });

    // Continuous sign-ins, two at a time, until told to stop.
    const outcomes: Outcome[] = [];
    let running = true;
    const worker = async () => {
      while (running) outcomes.push(await signInOnce(client, plain));
    };
    const workers = [worker(), worker()];
    const successes = () => outcomes.filter((o) => o.kind === 'signed-in').length;
    const until = async (condition: () => boolean, what: string) => {
      const deadline = Date.now() + SLOW;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`${what} did not happen within ${SLOW} ms: ${JSON.stringify(outcomes.slice(-5))}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(() => successes() >= 4, 'four sign-ins before the kill');

    // Three writes that must not be lost, each acknowledged to the person just before the kill.
    // 1. An enrolment (the authenticator app, from the Security page).
    const enrolled = await enrolledAccount(idp, clock, PASSWORD, 'enrolled');
    const enrolledId = (await idp.directory.findByEmail(enrolled.email))!.id;
    // 2. A backup code spent at sign-in (and a new one shown).
    const spender = await enrolledAccount(idp, clock, PASSWORD, 'spender');
    const spending = new HttpSession();
    const challenge = await submitPassword(spending, idp.issuer, await openAuthorization(spending, idp.issuer, await buildAuthorization(client)), spender.email, PASSWORD);
    const spent = await useBackupCode(spending, idp.issuer, challenge, spender.backupCode);
    expect(spent.newCode).toBeDefined();
    expect(isCallback(spent.next!)).toBe(true);
    // 3. A trusted device, revoked from the Security page.
    const truster = await enrolledAccount(idp, clock, PASSWORD, 'truster');
    const browser = new HttpSession();
    clock.advance(STEP_MS);
    const trustPage = await submitPassword(browser, idp.issuer, await openAuthorization(browser, idp.issuer, await buildAuthorization(client)), truster.email, PASSWORD);
    expect(isCallback(await submitCode(browser, idp.issuer, trustPage, codeFor(truster.key, clock), { trust: '1' }))).toBe(true);
    for (const key of [...browser.cookies.keys()]) if (!key.startsWith('oidc-mfa-trusted;')) browser.cookies.delete(key);
    clock.advance(STEP_MS);
    const devices = await reauthenticate(truster.session, idp.issuer, await truster.session.get(`${idp.issuer}/account/security/devices`), { email: truster.email, password: PASSWORD, key: truster.key, clock });
    const revoked = await truster.session.postForm(`${idp.issuer}/account/security/devices/revoke-all`, { csrf: hiddenField(devices.text, 'csrf') });
    expect(revoked.status).toBe(303);

    // The primary dies at once: no shutdown, nothing flushed or handed over.
    const killedAt = Date.now();
    await deployment.primary.kill();
    const newPrimaryPort = await deployment.switchedMaster(SLOW);
    expect(newPrimaryPort).toBe(deployment.replica.port);
    const resumed = () => outcomes.find((o) => o.kind === 'signed-in' && o.startedAt > killedAt) as Extract<Outcome, { kind: 'signed-in' }> | undefined;
    await until(() => resumed() !== undefined, 'a sign-in after the kill');
    await until(() => outcomes.filter((o) => o.kind === 'signed-in' && o.startedAt > killedAt).length >= 4, 'four sign-ins after the failover');
    running = false;
    await Promise.all(workers);

    expect(outcomes.filter((o) => o.kind === 'wrong')).toEqual([]);
    expect(resumed()!.endedAt - killedAt).toBeLessThanOrEqual(RESUME_WITHIN_MS);

    // The old primary comes back (empty, as a machine replaced): the sentinels make it a replica of
    // the new one, so writes can be acknowledged by a replica again.
    await deployment.primary.start();
    await replicaInSync(newPrimaryPort);

    // 1. The enrolment is there: the account is asked for its code, and the code works.
    expect((await store.mfa.get(enrolledId))?.credentials.some((credential) => credential.type === "totp")).toBe(true);
    clock.advance(STEP_MS);
    const enrolledSession = new HttpSession();
    const codePage = await submitPassword(enrolledSession, idp.issuer, await openAuthorization(enrolledSession, idp.issuer, await buildAuthorization(client)), enrolled.email, PASSWORD);
    expect(codePage.text).toContain('autocomplete="one-time-code"');
    expect(isCallback(await submitCode(enrolledSession, idp.issuer, codePage, codeFor(enrolled.key, clock)))).toBe(true);

    // 2. The spent backup code stays spent; the new one works.
    const again = new HttpSession();
    const challengeAgain = await submitPassword(again, idp.issuer, await openAuthorization(again, idp.issuer, await buildAuthorization(client)), spender.email, PASSWORD);
    const reused = await useBackupCode(again, idp.issuer, challengeAgain, spender.backupCode);
    expect(reused.newCode).toBeUndefined();
    expect(reused.page.status).toBe(400);
    const fresh = new HttpSession();
    const challengeFresh = await submitPassword(fresh, idp.issuer, await openAuthorization(fresh, idp.issuer, await buildAuthorization(client)), spender.email, PASSWORD);
    expect(isCallback((await useBackupCode(fresh, idp.issuer, challengeFresh, spent.newCode!)).next!)).toBe(true);

    // 3. The revoked device stays revoked: its browser is asked for a code.
    const afterRevoke = await submitPassword(browser, idp.issuer, await openAuthorization(browser, idp.issuer, await buildAuthorization(client)), truster.email, PASSWORD);
    expect(afterRevoke.text).toContain('autocomplete="one-time-code"');
  }, TEST_TIMEOUT_MS);
});

describe('REDIS_WAIT_REPLICAS without a replica', () => {
  test('a durable write is not acknowledged (store unavailable: a 503) while counters and reads still work', async () => {
    const redis = await startRedisServer();
    try {
      const config = testConfig({ storeTimeoutMs: 1000 });
      const store = await openStore({ ...config, redis: { ...config.redis, url: redis.url, prefix: randomRedisPrefix(), waitReplicas: 1 } }, { logger: silentLogger });
      try {
        await expect(store.accounts.create({ id: 'a1', email: 'a@example.com', emailVerified: false, name: 'A', passwordHash: 'x', createdAt: 0, credentialsChangedAt: 0 })).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.counters.increment('k', 60)).resolves.toBe(1);
        await expect(store.mfa.get('a1')).resolves.toBeUndefined();
      } finally {
        await store.close();
      }
    } finally {
      await redis.dispose();
    }
  }, SLOW);
});
