import { silentLogger } from '../../src/log.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createFakeClock, type FakeClock } from './fake-clock.ts';
import { deleteRedisPrefix, randomRedisPrefix } from './redis.ts';
import { startIdp, type TestIdp } from './start-idp.ts';
import { REDIS_URL } from './test-stores.ts';

/** What startIdp takes besides the store and the clock, which the pair shares. */
export type IdpOptions = Omit<Parameters<typeof startIdp>[0], 'store' | 'clock'>;

export interface IdpPair {
  a: TestIdp;
  b: TestIdp;
  storeA: Store;
  storeB: Store;
  clock: FakeClock;
}

/**
 * Two in-process providers, each with a store of its own on one Redis key prefix and one fake
 * clock: what one instance writes, the other can only know through Redis. Runs `work`, then
 * closes both and deletes the prefix, pass or fail.
 */
export async function withTwoIdpsOnOneRedis(options: { a?: IdpOptions; b?: IdpOptions }, work: (pair: IdpPair) => Promise<void>): Promise<void> {
  const clock = createFakeClock(Date.now());
  const prefix = randomRedisPrefix();
  const storeA = await openRedisStore({ url: REDIS_URL, prefix, clock, logger: silentLogger });
  const storeB = await openRedisStore({ url: REDIS_URL, prefix, clock, logger: silentLogger });
  const a = await startIdp({ ...options.a, store: storeA, clock });
  const b = await startIdp({ ...options.b, store: storeB, clock });
  try {
    await work({ a, b, storeA, storeB, clock });
  } finally {
    await a.close();
    await b.close();
    await storeA.close();
    await storeB.close();
    await deleteRedisPrefix(REDIS_URL, prefix);
  }
}
