import type { Context, Next } from 'koa';
import { memoizedDirectory, memoizedMfaStore, requestScope } from '../../../src/plugin/request-scope.ts';
import { countingStore } from '../../helpers/counting-store.ts';
import { addApp, appOf } from '../../helpers/mfa-records.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';
import { openTestStore, type TestStore } from '../../helpers/test-stores.ts';

/** Runs `body` as the rest of one request, the way the plugin's first middleware does. */
async function inOneRequest<T>(body: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  await requestScope()({} as Context, (async () => {
    result = await body();
  }) as Next);
  return result as T;
}

describe('one load of an account per request (request-scope.ts)', () => {
  const clock = createFakeClock(Date.now());
  let testStore: TestStore;

  beforeEach(async () => {
    testStore = await openTestStore('sqlite', clock);
  });
  afterEach(async () => {
    await testStore.dispose();
  });

  test('within a request the MFA record is read once; a write in that request forgets it; the next request reads again', async () => {
    const { store, calls } = countingStore(testStore.store);
    const mfa = memoizedMfaStore(store.mfa);
    await inOneRequest(async () => {
      expect(await mfa.get('alice')).toBeUndefined();
      expect(await mfa.get('alice')).toBeUndefined();
      expect(calls.counts.get('mfa.get')).toBe(1);
      await addApp(mfa, 'alice', 'k1.sealed', 7, 'hash', clock());
      // What this request changed is what it sees next.
      expect(appOf(await mfa.get('alice'))?.sealedSecret).toBe('k1.sealed');
      expect(await mfa.get('bob')).toBeUndefined();
      expect(calls.counts.get('mfa.get')).toBe(3);
    });
    await inOneRequest(async () => {
      await mfa.get('alice');
      expect(calls.counts.get('mfa.get')).toBe(4);
    });
  });

  test('outside a request (the CLI, a service called directly) nothing is kept', async () => {
    const { store, calls } = countingStore(testStore.store);
    const mfa = memoizedMfaStore(store.mfa);
    await mfa.get('alice');
    await mfa.get('alice');
    expect(calls.counts.get('mfa.get')).toBe(2);
  });

  test('a read that failed is not kept: the next caller in the request tries again', async () => {
    let failures = 1;
    const mfa = memoizedMfaStore({
      ...testStore.store.mfa,
      get: async (accountId: string) => {
        if (failures-- > 0) throw new Error('store down');
        return testStore.store.mfa.get(accountId);
      },
    });
    await inOneRequest(async () => {
      await expect(mfa.get('alice')).rejects.toThrow('store down');
      await expect(mfa.get('alice')).resolves.toBeUndefined();
    });
  });

  test("the directory's findById is shared; any other of the host's methods forgets accounts read in this request, sync ones stay sync", async () => {
    let reads = 0;
    let email = 'old@example.com';
    const host = {
      authenticate: async () => undefined,
      findById: async (id: string) => {
        reads += 1;
        return { id, email };
      },
      async changeEmail(next: string) {
        email = next;
      },
      label: (account: { email: string }) => `<${account.email}>`,
    };
    const directory = memoizedDirectory(host);
    await inOneRequest(async () => {
      expect((await directory.findById('a1'))?.email).toBe('old@example.com');
      await directory.findById('a1');
      expect(reads).toBe(1);
      await directory.changeEmail('new@example.com');
      expect((await directory.findById('a1'))?.email).toBe('new@example.com');
      expect(reads).toBe(2);
      expect(directory.label({ email: 'x' })).toBe('<x>');
    });
  });
});
