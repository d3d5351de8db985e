import type { Clock } from '../../src/clock.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { deleteRedisPrefix, randomRedisPrefix } from './redis.ts';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export type StoreKind = 'sqlite' | 'redis';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'redis'];

export interface TestStore {
  store: Store;
  /** Closes the store and removes what the test wrote (the Redis prefix). */
  dispose(): Promise<void>;
}

/** A fresh, empty store of the given kind: SQLite in memory, or Redis under a random key prefix. */
export async function openTestStore(kind: StoreKind, clock?: Clock): Promise<TestStore> {
  if (kind === 'sqlite') {
    const store = openSqliteStore({ file: ':memory:', clock, sweepIntervalMs: 0 });
    return { store, dispose: () => store.close() };
  }
  const prefix = randomRedisPrefix();
  const store = await openRedisStore({ url: REDIS_URL, prefix, clock });
  return {
    store,
    async dispose() {
      await store.close();
      await deleteRedisPrefix(REDIS_URL, prefix);
    },
  };
}
