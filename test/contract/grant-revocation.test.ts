/**
 * Grants by account (src/store/store.ts revokeGrantsOf): every store deletes an account's grants
 * and their codes and tokens, on request and in the same write as every change that ends the
 * account's sessions, and nothing of anyone else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AdapterPayload } from 'oidc-provider';
import { createClient } from 'redis';
import { silentLogger } from '../../src/log.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import { GRANTABLE_MODELS, type Store } from '../../src/store/store.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { deleteRedisPrefix, randomRedisPrefix, TEST_REDIS_URL } from '../helpers/redis.ts';
import { useFreshStore, type OpenStore } from './contract-harness.ts';
import { addApp } from '../helpers/mfa-records.ts';
import { rewindSqliteTo } from '../helpers/sqlite-rewind.ts';

const runPrefix = randomRedisPrefix();
let opened = 0;
const nextPrefix = () => `${runPrefix}${(opened += 1)}:`;

const STORES: [string, OpenStore][] = [
  ['sqlite', async (clock) => openSqliteStore({ file: ':memory:', clock, sweepIntervalMs: 0 })],
  ['redis', (clock) => openRedisStore({ url: TEST_REDIS_URL, prefix: nextPrefix(), clock, logger: silentLogger })],
];

afterAll(() => deleteRedisPrefix(TEST_REDIS_URL, runPrefix));

const ALICE = 'sub-alice';
const BOB = 'sub-bob';

const grant = (id: string, accountId: string): AdapterPayload => ({ jti: id, kind: 'Grant', accountId, clientId: 'app', openid: { scope: 'openid' } });
const token = (model: string, id: string, grantId: string, accountId?: string): AdapterPayload =>
  ({ jti: id, kind: model, grantId, clientId: 'app', ...(accountId ? { accountId } : {}) });

/** Alice has two grants with a code and tokens each (one token without an accountId of its own); Bob has one; both have a session. */
async function seed(store: Store): Promise<void> {
  const put = (model: string, id: string, payload: AdapterPayload, ttl?: number) => store.adapterFactory(model).upsert(id, payload, ttl);
  for (const [grantId, accountId] of [['g-alice-1', ALICE], ['g-alice-2', ALICE], ['g-bob', BOB]] as const) {
    await put('Grant', grantId, grant(grantId, accountId), 3600);
    for (const model of GRANTABLE_MODELS) await put(model, `${model}-${grantId}`, token(model, `${model}-${grantId}`, grantId, accountId), 600);
  }
  await put('AccessToken', 'no-account-g-alice-1', token('AccessToken', 'no-account-g-alice-1', 'g-alice-1'), 600);
  await put('AccessToken', 'never-expires-g-alice-2', token('AccessToken', 'never-expires-g-alice-2', 'g-alice-2', ALICE));
  await put('Session', 'session-alice', { jti: 'session-alice', uid: 'uid-alice', accountId: ALICE, loginTs: 1 }, 3600);
  await put('Session', 'session-bob', { jti: 'session-bob', uid: 'uid-bob', accountId: BOB, loginTs: 1 }, 3600);
}

async function expectAliceRevoked(store: Store): Promise<void> {
  const find = (model: string, id: string) => store.adapterFactory(model).find(id);
  for (const grantId of ['g-alice-1', 'g-alice-2']) {
    expect(await find('Grant', grantId)).toBeUndefined();
    for (const model of GRANTABLE_MODELS) expect(await find(model, `${model}-${grantId}`)).toBeUndefined();
  }
  expect(await find('AccessToken', 'no-account-g-alice-1')).toBeUndefined();
  expect(await find('AccessToken', 'never-expires-g-alice-2')).toBeUndefined();
  await expectBobUntouched(store);
  // Sessions end by time, not by deletion (see mfa/account-security.ts).
  expect(await store.adapterFactory('Session').findByUid('uid-alice')).toBeDefined();
}

async function expectBobUntouched(store: Store): Promise<void> {
  const find = (model: string, id: string) => store.adapterFactory(model).find(id);
  expect(await find('Grant', 'g-bob')).toEqual(grant('g-bob', BOB));
  for (const model of GRANTABLE_MODELS) expect(await find(model, `${model}-g-bob`)).toEqual(token(model, `${model}-g-bob`, 'g-bob', BOB));
  expect(await store.adapterFactory('Session').findByUid('uid-bob')).toBeDefined();
}

async function expectAliceIntact(store: Store): Promise<void> {
  expect(await store.adapterFactory('Grant').find('g-alice-1')).toBeDefined();
  expect(await store.adapterFactory('RefreshToken').find('RefreshToken-g-alice-2')).toBeDefined();
  expect(await store.adapterFactory('AccessToken').find('no-account-g-alice-1')).toBeDefined();
}

const newAccount = (id: string, email: string, now: number) => ({
  id, email, emailVerified: true, name: id, passwordHash: '$argon2id$old', createdAt: now, credentialsChangedAt: now,
});

describe.each(STORES)('%s store: grants by account', (_kind, open) => {
  const ctx = useFreshStore(open);

  it('revokeGrantsOf deletes the account\'s grants and their codes and tokens, and nothing else', async () => {
    await seed(ctx.store);
    await ctx.store.revokeGrantsOf(ALICE);
    await expectAliceRevoked(ctx.store);
    await expect(ctx.store.revokeGrantsOf('sub-nobody')).resolves.toBeUndefined();
    await expect(ctx.store.revokeGrantsOf(ALICE)).resolves.toBeUndefined();
  });

  it('a grant saved again after the revocation is found by the next one', async () => {
    await seed(ctx.store);
    await ctx.store.revokeGrantsOf(ALICE);
    await ctx.store.adapterFactory('Grant').upsert('g-alice-1', grant('g-alice-1', ALICE), 3600);
    await ctx.store.adapterFactory('RefreshToken').upsert('late', token('RefreshToken', 'late', 'g-alice-1', ALICE), 600);
    await ctx.store.revokeGrantsOf(ALICE);
    expect(await ctx.store.adapterFactory('Grant').find('g-alice-1')).toBeUndefined();
    expect(await ctx.store.adapterFactory('RefreshToken').find('late')).toBeUndefined();
  });

  it('a grant destroyed by oidc-provider (revocation endpoint, refresh token reuse) leaves nothing behind to revoke', async () => {
    await seed(ctx.store);
    await ctx.store.adapterFactory('Grant').destroy('g-alice-1');
    await ctx.store.adapterFactory('RefreshToken').revokeByGrantId('g-alice-1');
    await ctx.store.revokeGrantsOf(ALICE);
    await expectAliceRevoked(ctx.store);
  });

  describe('every change that ends the account\'s sessions deletes its grants in the same write', () => {
    it('mfa.raiseEpoch with endSessions ("sign out everywhere"); not without', async () => {
      await seed(ctx.store);
      await ctx.store.mfa.raiseEpoch(ALICE, ctx.clock(), false);
      await expectAliceIntact(ctx.store);
      await ctx.store.mfa.raiseEpoch(ALICE, ctx.clock(), true);
      await expectAliceRevoked(ctx.store);
      expect((await ctx.store.mfa.get(ALICE))?.sessionsValidAfter).toBe(ctx.clock());
    });

    it('mfa.disable (MFA off, `mfa reset`)', async () => {
      await seed(ctx.store);
      await addApp(ctx.store.mfa, ALICE, 'k1.sealed', 7, '$argon2id$backup', ctx.clock());
      await expectAliceIntact(ctx.store);
      await ctx.store.mfa.disable(ALICE, ctx.clock());
      await expectAliceRevoked(ctx.store);
    });

    it('accounts.updatePassword; not for an unknown account', async () => {
      await seed(ctx.store);
      await ctx.store.accounts.create(newAccount(ALICE, 'alice@example.com', ctx.clock()));
      expect(await ctx.store.accounts.updatePassword('sub-nobody', '$argon2id$new', ctx.clock())).toBe(false);
      await expectAliceIntact(ctx.store);
      expect(await ctx.store.accounts.updatePassword(ALICE, '$argon2id$new', ctx.clock() + 1000)).toBe(true);
      await expectAliceRevoked(ctx.store);
      expect((await ctx.store.accounts.findById(ALICE))?.credentialsChangedAt).toBe(ctx.clock() + 1000);
    });

    it('accounts.remove', async () => {
      await seed(ctx.store);
      await ctx.store.accounts.create(newAccount(ALICE, 'alice@example.com', ctx.clock()));
      await ctx.store.accounts.create(newAccount(BOB, 'bob@example.com', ctx.clock()));
      expect(await ctx.store.accounts.remove(ALICE)).toBe(true);
      await expectAliceRevoked(ctx.store);
      expect(await ctx.store.accounts.findById(BOB)).toBeDefined();
    });
  });
});

describe('redis: the account index', () => {
  const inspector = createClient({ url: TEST_REDIS_URL, socket: { reconnectStrategy: false } });
  const keysUnder = async (prefix: string) => {
    const keys: string[] = [];
    for await (const batch of inspector.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    return keys.sort();
  };

  beforeAll(async () => {
    inspector.on('error', () => {});
    await inspector.connect();
  });
  afterAll(() => {
    inspector.destroy();
  });

  it('lives as long as the account\'s longest-lived grant, and revocation leaves no key of the account behind', async () => {
    const prefix = nextPrefix();
    const store = await openRedisStore({ url: TEST_REDIS_URL, prefix, clock: createFakeClock(), logger: silentLogger });
    try {
      await seed(store);
      const index = `${prefix}oidc-account:${ALICE}`;
      expect(await inspector.sMembers(index)).toEqual(expect.arrayContaining([`${prefix}oidc:Grant:g-alice-1`, `${prefix}oidc:Grant:g-alice-2`]));
      const ttl = await inspector.pTTL(index);
      expect(ttl).toBeGreaterThan(3_600_000);
      expect(ttl).toBeLessThanOrEqual(3_605_000);

      await store.revokeGrantsOf(ALICE);
      const left = await keysUnder(prefix);
      expect(left.filter((key) => key.includes('alice'))).toEqual([
        `${prefix}oidc-uid:Session:uid-alice`, `${prefix}oidc:Session:session-alice`,
      ]);
      expect(left).toContain(`${prefix}oidc-account:${BOB}`);
    } finally {
      await store.close();
    }
  });

  it('drops a destroyed grant from the index', async () => {
    const prefix = nextPrefix();
    const store = await openRedisStore({ url: TEST_REDIS_URL, prefix, clock: createFakeClock(), logger: silentLogger });
    try {
      await seed(store);
      await store.adapterFactory('Grant').destroy('g-alice-1');
      expect(await inspector.sMembers(`${prefix}oidc-account:${ALICE}`)).toEqual([`${prefix}oidc:Grant:g-alice-2`]);
    } finally {
      await store.close();
    }
  });
});

describe('sqlite: grants stored before the account index', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'oidc-mfa-grants-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('are indexed by the migration from their payload, and revoked like the rest', async () => {
    const clock = createFakeClock();
    const file = path.join(dir, 'store.db');
    const first = openSqliteStore({ file, clock, sweepIntervalMs: 0 });
    await seed(first);
    await first.close();
    // Back to the schema before the migration (version 4), rows and all.
    rewindSqliteTo(file, 4);

    const store = openSqliteStore({ file, clock, sweepIntervalMs: 0 });
    try {
      await store.revokeGrantsOf(ALICE);
      await expectAliceRevoked(store);
    } finally {
      await store.close();
    }
  });
});
