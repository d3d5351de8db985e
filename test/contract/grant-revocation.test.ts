/**
 * Grants by account (src/store/store.ts revokeGrantsOf): the contract (grant-revocation-contract.ts)
 * on SQLite and Redis, then what each keeps for it (Redis's account index, SQLite's migration).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { silentLogger } from '../../src/log.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { deleteRedisPrefix, randomRedisPrefix, TEST_REDIS_URL } from '../helpers/redis.ts';
import type { OpenStore } from './contract-harness.ts';
import { ALICE, BOB, describeGrantRevocationContract, expectAliceRevoked, seed } from './grant-revocation-contract.ts';
import { rewindSqliteTo } from '../helpers/sqlite-rewind.ts';

const runPrefix = randomRedisPrefix();
let opened = 0;
const nextPrefix = () => `${runPrefix}${(opened += 1)}:`;

const STORES: [string, OpenStore][] = [
  ['sqlite', async (clock) => openSqliteStore({ file: ':memory:', clock, sweepIntervalMs: 0 })],
  ['redis', (clock) => openRedisStore({ url: TEST_REDIS_URL, prefix: nextPrefix(), clock, logger: silentLogger })],
];

afterAll(() => deleteRedisPrefix(TEST_REDIS_URL, runPrefix));

for (const [kind, open] of STORES) describeGrantRevocationContract(kind, open);

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
