/**
 * Two real provider processes (`node src/hosted/server.ts`) on a Redis Cluster of the file's own:
 * three primaries (real redis-server processes in cluster mode on free loopback ports), named to
 * the processes by one seed node only (REDIS_CLUSTER_URLS), behind the test's own load balancer
 * (test/helpers/route-proxy.ts). A sign-in's steps alternate instances; the deployment's keys lie
 * on all three primaries; and slots move between primaries (redis-cli --cluster reshard: keys
 * migrate while clients run) during continuous sign-ins, with nothing lost: every sign-in completes
 * or sees the 503 page, and what was written before and during the moves is there afterwards.
 */
import { createClient } from 'redis';
import type * as oidc from 'openid-client';
import { createAccountDirectory, type AccountDirectory } from '../../src/hosted/account-directory.ts';
import { systemClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { AMR } from '../../src/oidc/acr.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import { HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { submitCode, useBackupCode } from '../helpers/mfa-flow.ts';
import { enrolledThroughProxy } from '../helpers/proxied-enrolment.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { randomRedisPrefix } from '../helpers/redis.ts';
import { startRedisCluster, type RedisClusterDeployment } from '../helpers/redis-cluster.ts';
import { SERVED_BY_HEADER, startRouteProxy, type RouteProxy } from '../helpers/route-proxy.ts';
import { startProviderProcess, stopAllProcesses, tempDir, writeClientsFile, writeKeysFile, type ProviderProcess } from '../helpers/server-process.ts';
import { TEST_CLIENTS } from '../helpers/start-idp.ts';
import { passwordSignInOutcome, type SignInOutcome } from '../helpers/sign-in-outcome.ts';

const PASSWORD = 'a password for a redis cluster';
const TEST_TIMEOUT_MS = 240_000;
/** Generous waits for a loaded 2-core machine; none of them is asserted on. */
const SLOW = 90_000;
/** Slots moved per resharding: about a sixth of the 16384, from a primary holding about a third. */
const SLOTS_MOVED = 3000;

let cluster: RedisClusterDeployment;
let work: ReturnType<typeof tempDir>;
let prefix: string;
let proxy: RouteProxy;
let a: ProviderProcess;
let b: ProviderProcess;
let store: Store;
let directory: AccountDirectory;

beforeAll(async () => {
  cluster = await startRedisCluster({ readyTimeoutMs: SLOW });
  work = tempDir('oidc-mfa-cluster-');
  prefix = randomRedisPrefix();
  proxy = await startRouteProxy({}, 'a');
  const env = {
    NODE_ENV: 'test',
    ISSUER: proxy.url,
    // One seed node: the processes find the other primaries (and every later move of a slot) themselves.
    REDIS_CLUSTER_URLS: cluster.seedUrls[0]!,
    REDIS_PREFIX: prefix,
    KEYS_FILE: writeKeysFile(work.dir),
    CLIENTS_FILE: writeClientsFile(work.dir, TEST_CLIENTS),
    DATA_DIR: work.dir,
    DEMO_APP: 'false',
  };
  [a, b] = await Promise.all([startProviderProcess('instance A', env), startProviderProcess('instance B', env)]);
  proxy.setUpstream('a', a.port);
  proxy.setUpstream('b', b.port);
  // The test's own view of the shared store: accounts are added and checked here.
  store = await openRedisStore({ cluster: { urls: cluster.seedUrls }, prefix, logger: silentLogger });
  directory = createAccountDirectory(store.accounts, systemClock, (id) => store.mfa.remove(id));
}, SLOW * 2);

afterAll(async () => {
  await stopAllProcesses();
  await proxy?.close();
  await store?.close();
  await cluster?.dispose();
  work?.remove();
}, 30_000);

const servedBy = (response: HttpResponse) => response.headers.get(SERVED_BY_HEADER);

/** How many of this run's keys each primary holds. */
async function keysPerPrimary(): Promise<number[]> {
  return Promise.all(cluster.ports.map(async (port) => {
    const node = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
    await node.connect();
    try {
      let count = 0;
      for await (const keys of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) count += keys.length;
      return count;
    } finally {
      node.destroy();
    }
  }));
}

/** A new account with the authenticator app set up through `via` (test/helpers/proxied-enrolment.ts). */
const enrolledAccount = (name: string, via: 'a' | 'b') => enrolledThroughProxy({ directory, proxy, password: PASSWORD }, name, via);

/** The sign-in page of a new authorization, through the current route. */
async function startSignIn(client: oidc.Configuration, browser = new HttpSession()) {
  const authorization = await buildAuthorization(client);
  return { authorization, browser, page: await openAuthorization(browser, proxy.url, authorization) };
}

type Outcome = SignInOutcome;
const passwordSignIn = (client: oidc.Configuration, email: string) => passwordSignInOutcome(proxy.url, client, email, PASSWORD);

describe('two provider processes on a Redis Cluster of three primaries', () => {
  test('a sign-in with the app whose steps alternate instances completes, and the keys lie on all three primaries', async () => {
    const client = await discoverClient(proxy.url, 'first-party-app');
    const { email, key, totp } = await enrolledAccount('alternate', 'b');

    proxy.route('a');
    const { authorization, browser, page } = await startSignIn(client);
    expect(servedBy(page)).toBe('a');
    proxy.route('b');
    const challenge = await submitPassword(browser, proxy.url, page, email, PASSWORD);
    expect(servedBy(challenge)).toBe('b');
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    proxy.route('a');
    const callback = await submitCode(browser, proxy.url, challenge, totp.code(key));
    expect(isCallback(callback)).toBe(true);
    proxy.route('b');
    expect((await redeemCode(client, callback, authorization)).claims()?.amr).toEqual([...AMR.totp]);

    // Which primary a key lands on is its slot's: chance, per key. One sign-in leaves few keys (its
    // unfinished state lives in the Interaction, which ends with it), so three more password
    // sign-ins (each a Session, a Grant, a code and a token, with their indexes) make "some primary
    // holds none of this run's keys" vanishingly unlikely, if the keys spread at all.
    await directory.add({ email: 'spread@example.com', password: PASSWORD });
    for (const instance of ['a', 'b', 'a'] as const) {
      proxy.route(instance);
      expect((await passwordSignIn(client, 'spread@example.com')).kind).toBe('signed-in');
    }
    const perPrimary = await keysPerPrimary();
    expect(perPrimary.every((count) => count > 0)).toBe(true);
  }, TEST_TIMEOUT_MS);

  test('slots move between primaries during continuous sign-ins: each completes or sees the 503 page, and nothing written before or during is lost', async () => {
    const client = await discoverClient(proxy.url, 'first-party-app');
    const plain = 'plain@example.com';
    await directory.add({ email: plain, password: PASSWORD });

    // Written before the moves, each acknowledged to the person: an enrolment, and a backup code spent at sign-in.
    const enrolled = await enrolledAccount('enrolled', 'a');
    const spender = await enrolledAccount('spender', 'b');
    const spending = await startSignIn(client);
    const spent = await useBackupCode(spending.browser, proxy.url, await submitPassword(spending.browser, proxy.url, spending.page, spender.email, PASSWORD), spender.backupCode);
    expect(spent.newCode).toBeDefined();
    expect(isCallback(spent.next!)).toBe(true);

    // Continuous sign-ins, two at a time, each request to whichever instance the flipping route names.
    const outcomes: Outcome[] = [];
    let running = true;
    const flipping = setInterval(() => proxy.route(proxy.current === 'a' ? 'b' : 'a'), 40);
    const worker = async () => {
      while (running) outcomes.push(await passwordSignIn(client, plain));
    };
    const workers = [worker(), worker()];
    // Accounts made while the slots move.
    const madeDuring: string[] = [];
    const maker = (async () => {
      while (running) {
        const email = `during-${madeDuring.length}@example.com`;
        await directory.add({ email, password: PASSWORD });
        madeDuring.push(email);
      }
    })();
    const signedIn = (after = 0) => outcomes.filter((o) => o.kind === 'signed-in' && o.startedAt >= after).length;
    const until = async (condition: () => boolean, what: string) => {
      const deadline = Date.now() + SLOW;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`${what} did not happen within ${SLOW} ms: ${JSON.stringify(outcomes.slice(-5))}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    let movesStarted = 0;
    let movesEnded = 0;
    try {
      await until(() => signedIn() >= 4, 'four sign-ins before the moves');
      const [first, second, third] = cluster.ports as [number, number, number];
      const before = await Promise.all(cluster.ports.map((port) => cluster.slotCountOf(port)));
      movesStarted = Date.now();
      await cluster.reshard({ fromPort: first, toPort: second, slots: SLOTS_MOVED, timeoutMs: SLOW });
      await cluster.reshard({ fromPort: third, toPort: first, slots: SLOTS_MOVED, timeoutMs: SLOW });
      movesEnded = Date.now();
      expect(await Promise.all(cluster.ports.map((port) => cluster.slotCountOf(port)))).toEqual([before[0]!, before[1]! + SLOTS_MOVED, before[2]! - SLOTS_MOVED]);
      await until(() => signedIn(movesEnded) >= 4, 'four sign-ins after the moves');
    } finally {
      running = false;
      clearInterval(flipping);
      await Promise.all([...workers, maker]);
    }

    const wrong = outcomes.filter((o) => o.kind === 'wrong');
    // A wrong answer is a 500 or the like: the servers' own error lines say what failed.
    if (wrong.length) console.error(`servers' error lines:\n${[a, b].flatMap((p) => p.output().split('\n').filter((line) => /"level":"(error|warn)"|Error/.test(line))).join('\n').slice(-8000)}`);
    expect(wrong).toEqual([]);
    // Sign-ins went on while the slots moved, not only before and after.
    expect(outcomes.some((o) => o.kind === 'signed-in' && o.startedAt >= movesStarted && o.endedAt <= movesEnded)).toBe(true);

    // Every account made during the moves is there, and one of them signs in.
    expect(madeDuring.length).toBeGreaterThan(0);
    const found = await Promise.all(madeDuring.map((email) => directory.findByEmail(email)));
    expect(found.filter((account) => !account)).toEqual([]);
    expect(await passwordSignIn(client, madeDuring.at(-1)!)).toMatchObject({ kind: 'signed-in' });

    // The enrolment is there: the account is asked for its code, and the code works.
    proxy.route('b');
    const enrolledSignIn = await startSignIn(client);
    const codePage = await submitPassword(enrolledSignIn.browser, proxy.url, enrolledSignIn.page, enrolled.email, PASSWORD);
    expect(codePage.text).toContain('autocomplete="one-time-code"');
    await enrolled.totp.ready();
    expect(isCallback(await submitCode(enrolledSignIn.browser, proxy.url, codePage, enrolled.totp.code(enrolled.key)))).toBe(true);

    // The spent backup code stays spent; the one shown in its place works.
    proxy.route('a');
    const again = await startSignIn(client);
    const reused = await useBackupCode(again.browser, proxy.url, await submitPassword(again.browser, proxy.url, again.page, spender.email, PASSWORD), spender.backupCode);
    expect(reused.newCode).toBeUndefined();
    expect(reused.page.status).toBe(400);
    const fresh = await startSignIn(client);
    expect(isCallback((await useBackupCode(fresh.browser, proxy.url, await submitPassword(fresh.browser, proxy.url, fresh.page, spender.email, PASSWORD), spent.newCode!)).next!)).toBe(true);
  }, TEST_TIMEOUT_MS);
});
