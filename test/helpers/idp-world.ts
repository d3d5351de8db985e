import type { ClientMetadata } from 'oidc-provider';
import type twilio from 'twilio';
import type { Config } from '../../src/hosted/config/schema.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import type { Store } from '../../src/store/store.ts';
import { createFakeClock, type FakeClock } from './fake-clock.ts';
import { startIdp, type TestIdp } from './start-idp.ts';
import { openTestStore, type StoreKind, type TestStore } from './test-stores.ts';

/** Which parts the world's fake clock drives; the others keep real time. */
export type FakeTimeIn = 'store-and-provider' | 'store' | 'provider' | 'nothing';

export interface IdpWorldOptions {
  /**
   * A fake clock the file already holds (started when the file was collected). Without one the
   * world makes its own, started at the real time of beforeAll.
   */
  clock?: FakeClock;
  /**
   * Where the fake clock drives time: the store (expiries, counters) and the provider (TOTP steps,
   * re-authentication age). Both by default.
   */
  fakeTimeIn?: FakeTimeIn;
  /** Overrides of the test configuration; a function is called in beforeAll (temp dirs made then). */
  config?: Partial<Config> | (() => Partial<Config> | Promise<Partial<Config>>);
  clients?: ClientMetadata[];
  /** Where the provider logs (a recording logger, say); silent by default. */
  log?: Logger;
  smsHttpClient?: twilio.RequestClient;
}

/** What a test sees: the provider, its store and the fake clock. Usable as an AbuseWorld. */
export interface IdpWorld {
  idp: TestIdp;
  store: Store;
  clock: FakeClock;
  /** The provider's logger (options.log, or a silent one). */
  log: Logger;
}

/**
 * One store of `kind` and the hosted provider on it, opened in beforeAll and closed in afterAll
 * (provider first, then the store and what the test wrote). Call it in a describe block's body.
 *
 * `idp` and `store` stand in for the real objects until beforeAll has made them, so they can be
 * destructured at collection time (`const { idp, clock } = useIdpWorld(kind)`) and passed to
 * helpers; using them before beforeAll (or after afterAll) throws.
 */
export function useIdpWorld(kind: StoreKind, options: IdpWorldOptions = {}): IdpWorld {
  const clock = options.clock ?? createFakeClock();
  const fakeTimeIn = options.fakeTimeIn ?? 'store-and-provider';
  const log = options.log ?? silentLogger;
  let testStore: TestStore | undefined;
  let idp: TestIdp | undefined;

  beforeAll(async () => {
    if (!options.clock) clock.set(Date.now());
    const storeClock = fakeTimeIn === 'store' || fakeTimeIn === 'store-and-provider' ? clock : undefined;
    const providerClock = fakeTimeIn === 'provider' || fakeTimeIn === 'store-and-provider' ? clock : undefined;
    testStore = await openTestStore(kind, storeClock);
    const config = typeof options.config === 'function' ? await options.config() : options.config;
    idp = await startIdp({ store: testStore.store, clock: providerClock, config, clients: options.clients, log, smsHttpClient: options.smsHttpClient });
  });

  afterAll(async () => {
    await idp?.close();
    await testStore?.dispose();
    idp = undefined;
    testStore = undefined;
  });

  return {
    idp: standIn('idp', () => idp),
    store: standIn('store', () => testStore?.store),
    clock,
    log,
  };
}

/** An object that forwards every property to `current()`, which exists only between beforeAll and afterAll. */
function standIn<T extends object>(name: string, current: () => T | undefined): T {
  const target = (): T => {
    const value = current();
    if (!value) throw new Error(`the world's ${name} is used outside beforeAll…afterAll`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_, property) => Reflect.get(target(), property),
    has: (_, property) => Reflect.has(target(), property),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), property);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
