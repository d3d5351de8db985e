import type { Clock } from '../../src/clock.ts';
import type { Store } from '../../src/store/store.ts';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.ts';

/**
 * How each contract suite gets its stores (sqlite-store.test.ts, redis-store.test.ts): `open`
 * must give a store with no data in it on every call; `cleanup`, when given, runs once after
 * the suite.
 */
export type OpenStore = (clock: Clock) => Promise<Store>;
export type Cleanup = () => Promise<void>;

/** The store and fake clock of the running test; both are replaced before each test. */
export interface ContractContext {
  readonly store: Store;
  readonly clock: FakeClock;
}

export const MINUTE_MS = 60_000;

/**
 * Registers the hooks that open a fresh store (on a fresh fake clock) before each test and close
 * it after. Call it inside a describe block; read `store` and `clock` only inside tests.
 */
export function useFreshStore(open: OpenStore, cleanup?: Cleanup): ContractContext {
  let current: { store: Store; clock: FakeClock } | undefined;
  const running = () => {
    if (!current) throw new Error('the contract store is only available inside a test');
    return current;
  };
  beforeEach(async () => {
    const clock = createFakeClock();
    current = { store: await open(clock), clock };
  });
  afterEach(async () => {
    await current?.store.close();
    current = undefined;
  });
  if (cleanup) afterAll(cleanup);
  return {
    get store() {
      return running().store;
    },
    get clock() {
      return running().clock;
    },
  };
}
