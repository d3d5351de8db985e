import type { Context, Next } from 'koa';
import { memoizedAdapterFactory, memoizedDirectory, memoizedMfaStore, readTogether, requestScope } from '../../../src/plugin/request-scope.ts';
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

  test('readTogether: an account and its MFA record in one call, each then shared as if read alone; not when either was read, nor outside a request', async () => {
    const { store, calls } = countingStore(testStore.store);
    await store.accounts.create({ id: 'alice', email: 'alice@example.com', emailVerified: true, name: 'Alice', passwordHash: 'x', createdAt: clock(), credentialsChangedAt: clock() });
    await addApp(store.mfa, 'alice', 'k1.sealed', 7, 'hash', clock());
    const mfa = memoizedMfaStore(store.mfa);
    const directory = memoizedDirectory({ authenticate: async () => undefined, findById: (id: string) => store.accounts.findById(id) });
    const read = (id: string) => store.accountStates.read(id);
    const count = (name: string) => calls.counts.get(name) ?? 0;

    await inOneRequest(async () => {
      readTogether('alice', read);
      expect((await directory.findById('alice'))?.email).toBe('alice@example.com');
      expect(appOf(await mfa.get('alice'))?.sealedSecret).toBe('k1.sealed');
      expect([count('accountStates.read'), count('accounts.findById'), count('mfa.get')]).toEqual([1, 0, 0]);
      // Already read: a second call reads nothing more.
      readTogether('alice', read);
      expect(count('accountStates.read')).toBe(1);
      // Another account is its own read.
      readTogether('bob', read);
      expect(await mfa.get('bob')).toBeUndefined();
      expect(count('accountStates.read')).toBe(2);
    });
    await inOneRequest(async () => {
      // The record was read alone first: the account is read alone too, not both again.
      await mfa.get('alice');
      readTogether('alice', read);
      await directory.findById('alice');
      expect([count('accountStates.read'), count('accounts.findById'), count('mfa.get')]).toEqual([2, 1, 1]);
    });
    readTogether('alice', read);
    expect(count('accountStates.read')).toBe(2);
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

  describe("oidc-provider's adapter (memoizedAdapterFactory)", () => {
    const expiresIn = 600;

    test('within a request a model is read once per id; each read gets its own copy', async () => {
      const { store, calls } = countingStore(testStore.store);
      const adapter = memoizedAdapterFactory(store.adapterFactory)('Interaction');
      await adapter.upsert('i1', { uid: 'u1', params: { scope: 'openid' } }, expiresIn);
      await inOneRequest(async () => {
        const first = await adapter.find('i1');
        (first!.params as Record<string, string>).scope = 'changed by the first reader';
        const second = await adapter.find('i1');
        expect(second?.params).toEqual({ scope: 'openid' });
        expect(await adapter.find('missing')).toBeUndefined();
        expect(await adapter.find('missing')).toBeUndefined();
        expect(calls.counts.get('adapter.Interaction.find')).toBe(2);
      });
      await inOneRequest(async () => {
        await adapter.find('i1');
        expect(calls.counts.get('adapter.Interaction.find')).toBe(3);
      });
    });

    test("a write forgets that model's reads in the request (find, findByUid alike): the request reads back what it wrote", async () => {
      const { store, calls } = countingStore(testStore.store);
      const factory = memoizedAdapterFactory(store.adapterFactory);
      const sessions = factory('Session');
      const interactions = factory('Interaction');
      await sessions.upsert('s1', { uid: 'su1', accountId: 'alice' }, expiresIn);
      await interactions.upsert('i1', { uid: 'u1' }, expiresIn);
      await inOneRequest(async () => {
        expect((await sessions.findByUid('su1'))?.accountId).toBe('alice');
        await interactions.find('i1');
        await sessions.upsert('s1', { uid: 'su1', accountId: 'bob' }, expiresIn);
        expect((await sessions.findByUid('su1'))?.accountId).toBe('bob');
        expect((await sessions.find('s1'))?.accountId).toBe('bob');
        await sessions.destroy('s1');
        expect(await sessions.find('s1')).toBeUndefined();
        // Another model's reads are kept.
        await interactions.find('i1');
        expect(calls.counts.get('adapter.Interaction.find')).toBe(1);
      });
    });

    test('consume is read back in the same request; revokeByGrantId forgets every model', async () => {
      const factory = memoizedAdapterFactory(testStore.store.adapterFactory);
      const codes = factory('AuthorizationCode');
      const tokens = factory('AccessToken');
      await codes.upsert('c1', { grantId: 'g1' }, expiresIn);
      await tokens.upsert('t1', { grantId: 'g1' }, expiresIn);
      await inOneRequest(async () => {
        expect((await codes.find('c1'))?.consumed).toBeUndefined();
        await codes.consume('c1');
        expect((await codes.find('c1'))?.consumed).toBeTruthy();
        expect(await tokens.find('t1')).toBeDefined();
        await codes.revokeByGrantId('g1');
        expect(await tokens.find('t1')).toBeUndefined();
      });
    });

    test('outside a request every read goes to the store', async () => {
      const { store, calls } = countingStore(testStore.store);
      const adapter = memoizedAdapterFactory(store.adapterFactory)('Grant');
      await adapter.find('g1');
      await adapter.find('g1');
      expect(calls.counts.get('adapter.Grant.find')).toBe(2);
    });
  });
});
