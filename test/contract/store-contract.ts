import type { AdapterPayload } from 'oidc-provider';
import type { AccountRecord } from '../../src/accounts/account-store.ts';
import type { Clock } from '../../src/clock.ts';
import { GRANTABLE_MODELS, type Store } from '../../src/store/store.ts';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.ts';

/** Models oidc-provider may store, grantable or not; none of them is special to a Store. */
const ALL_MODELS = [
  'Session', 'Interaction', 'Grant', 'AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'ClientCredentials', 'PushedAuthorizationRequest', 'PreAuthorizedCode',
  'RegistrationAccessToken', 'InitialAccessToken', 'ReplayDetection', 'Client',
];
const CONSUMABLE_MODELS = [
  'AuthorizationCode', 'PushedAuthorizationRequest', 'PreAuthorizedCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest',
];
const MINUTE_MS = 60_000;
const TEN_YEARS_MS = 10 * 365 * 24 * 60 * MINUTE_MS;

function payloadFor(model: string, id: string, extra: Partial<AdapterPayload> = {}): AdapterPayload {
  return { jti: id, kind: model, iat: 1_893_456_000, scope: 'openid email', extra: { nested: [1, 'two', null] }, ...extra };
}

function accountFor(email: string, overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: `sub-${email.split('@')[0]}`,
    email,
    emailVerified: true,
    name: `Name of ${email}`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    createdAt: 1_893_456_000_123,
    credentialsChangedAt: 1_893_456_000_123,
    ...overrides,
  };
}

/**
 * The behaviour every Store must share, run against each implementation (sqlite-store.test.ts,
 * redis-store.test.ts). `open` must give a store with no data in it on every call; `cleanup`
 * runs once after the suite.
 */
export function describeStoreContract(label: string, open: (clock: Clock) => Promise<Store>, cleanup?: () => Promise<void>): void {
  describe(`${label} store contract`, () => {
    let clock: FakeClock;
    let store: Store;

    beforeEach(async () => {
      clock = createFakeClock();
      store = await open(clock);
    });
    afterEach(async () => {
      await store.close();
    });
    if (cleanup) afterAll(cleanup);

    const adapter = (model: string) => store.adapterFactory(model);

    describe('oidc-provider adapter', () => {
      it.each(ALL_MODELS)('%s: find returns what upsert stored', async (model) => {
        await adapter(model).upsert('id-1', payloadFor(model, 'id-1'), 300);
        expect(await adapter(model).find('id-1')).toEqual(payloadFor(model, 'id-1'));
      });

      it('find of an unknown id answers undefined', async () => {
        expect(await adapter('AccessToken').find('nope')).toBeUndefined();
      });

      it('upsert replaces the whole entry', async () => {
        await adapter('Session').upsert('s1', { jti: 's1', uid: 'u1', accountId: 'a1', loginTs: 1 }, 300);
        await adapter('Session').upsert('s1', { jti: 's1', uid: 'u1', loginTs: 2 }, 300);
        expect(await adapter('Session').find('s1')).toEqual({ jti: 's1', uid: 'u1', loginTs: 2 });
      });

      it('an entry expires expiresIn seconds after upsert, by the injected clock', async () => {
        await adapter('AccessToken').upsert('t1', payloadFor('AccessToken', 't1'), 60);
        clock.advance(MINUTE_MS - 1);
        expect(await adapter('AccessToken').find('t1')).toEqual(payloadFor('AccessToken', 't1'));
        clock.advance(1);
        expect(await adapter('AccessToken').find('t1')).toBeUndefined();
      });

      it('a later upsert restarts the expiry', async () => {
        await adapter('Interaction').upsert('i1', payloadFor('Interaction', 'i1'), 60);
        clock.advance(50_000);
        await adapter('Interaction').upsert('i1', payloadFor('Interaction', 'i1'), 60);
        clock.advance(50_000);
        expect(await adapter('Interaction').find('i1')).toBeDefined();
      });

      it('an entry upserted without expiresIn never expires', async () => {
        await adapter('Client').upsert('c1', payloadFor('Client', 'c1'));
        clock.advance(TEN_YEARS_MS);
        expect(await adapter('Client').find('c1')).toEqual(payloadFor('Client', 'c1'));
      });

      describe('findByUid', () => {
        const session = (id: string, uid: string) => ({ jti: id, uid, accountId: 'acc-1', loginTs: 1_893_456_000 });

        it('finds a session by its uid, and nothing by an unknown uid', async () => {
          await adapter('Session').upsert('s1', session('s1', 'uid-1'), 300);
          await adapter('Session').upsert('s2', session('s2', 'uid-2'), 300);
          expect(await adapter('Session').findByUid('uid-1')).toEqual(session('s1', 'uid-1'));
          expect(await adapter('Session').findByUid('uid-2')).toEqual(session('s2', 'uid-2'));
          expect(await adapter('Session').findByUid('uid-3')).toBeUndefined();
        });

        it('follows the session through expiry, destroy and a changed uid', async () => {
          await adapter('Session').upsert('s1', session('s1', 'uid-1'), 60);
          await adapter('Session').upsert('s1', session('s1', 'uid-1b'), 60);
          expect(await adapter('Session').findByUid('uid-1')).toBeUndefined();
          expect(await adapter('Session').findByUid('uid-1b')).toEqual(session('s1', 'uid-1b'));
          await adapter('Session').upsert('s2', session('s2', 'uid-2'), 300);
          await adapter('Session').destroy('s2');
          expect(await adapter('Session').findByUid('uid-2')).toBeUndefined();
          clock.advance(MINUTE_MS);
          expect(await adapter('Session').findByUid('uid-1b')).toBeUndefined();
        });
      });

      describe('findByUserCode', () => {
        const deviceCode = (id: string, userCode: string) => ({ jti: id, userCode, clientId: 'client-1', grantId: 'g1' });

        it('finds a device code by its user code, and nothing by an unknown one', async () => {
          await adapter('DeviceCode').upsert('d1', deviceCode('d1', 'ABCD-EFGH'), 600);
          expect(await adapter('DeviceCode').findByUserCode('ABCD-EFGH')).toEqual(deviceCode('d1', 'ABCD-EFGH'));
          expect(await adapter('DeviceCode').findByUserCode('ZZZZ-ZZZZ')).toBeUndefined();
        });

        it('follows the device code through expiry and destroy', async () => {
          await adapter('DeviceCode').upsert('d1', deviceCode('d1', 'AAAA-AAAA'), 600);
          await adapter('DeviceCode').upsert('d2', deviceCode('d2', 'BBBB-BBBB'), 60);
          await adapter('DeviceCode').destroy('d1');
          expect(await adapter('DeviceCode').findByUserCode('AAAA-AAAA')).toBeUndefined();
          clock.advance(MINUTE_MS);
          expect(await adapter('DeviceCode').findByUserCode('BBBB-BBBB')).toBeUndefined();
        });
      });

      describe('consume', () => {
        it.each(CONSUMABLE_MODELS)('%s: marks the entry consumed, in seconds since the epoch', async (model) => {
          await adapter(model).upsert('c1', payloadFor(model, 'c1'), 600);
          clock.advance(12_345);
          await adapter(model).consume('c1');
          expect(await adapter(model).find('c1')).toEqual({ ...payloadFor(model, 'c1'), consumed: Math.floor(clock() / 1000) });
        });

        it('keeps the time of the first consumption', async () => {
          await adapter('AuthorizationCode').upsert('c1', payloadFor('AuthorizationCode', 'c1'), 600);
          const first = Math.floor(clock() / 1000);
          await adapter('AuthorizationCode').consume('c1');
          clock.advance(5_000);
          await adapter('AuthorizationCode').consume('c1');
          expect((await adapter('AuthorizationCode').find('c1'))?.consumed).toBe(first);
        });

        it('is a no-op for a missing or expired id', async () => {
          await expect(adapter('AuthorizationCode').consume('missing')).resolves.toBeUndefined();
          expect(await adapter('AuthorizationCode').find('missing')).toBeUndefined();
          await adapter('AuthorizationCode').upsert('old', payloadFor('AuthorizationCode', 'old'), 60);
          clock.advance(MINUTE_MS);
          await adapter('AuthorizationCode').consume('old');
          expect(await adapter('AuthorizationCode').find('old')).toBeUndefined();
        });

        it('an upsert after consume clears consumed', async () => {
          await adapter('RefreshToken').upsert('r1', payloadFor('RefreshToken', 'r1'), 600);
          await adapter('RefreshToken').consume('r1');
          await adapter('RefreshToken').upsert('r1', payloadFor('RefreshToken', 'r1'), 600);
          expect(await adapter('RefreshToken').find('r1')).not.toHaveProperty('consumed');
        });
      });

      it('destroy removes only that entry, and is a no-op for a missing id', async () => {
        await adapter('AccessToken').upsert('t1', payloadFor('AccessToken', 't1'), 600);
        await adapter('AccessToken').upsert('t2', payloadFor('AccessToken', 't2'), 600);
        await adapter('AccessToken').destroy('t1');
        await expect(adapter('AccessToken').destroy('missing')).resolves.toBeUndefined();
        expect(await adapter('AccessToken').find('t1')).toBeUndefined();
        expect(await adapter('AccessToken').find('t2')).toEqual(payloadFor('AccessToken', 't2'));
      });

      describe('revokeByGrantId', () => {
        it('removes every grantable entry of that grant and leaves the rest alone', async () => {
          for (const model of GRANTABLE_MODELS) {
            await adapter(model).upsert(`${model}-g1`, payloadFor(model, `${model}-g1`, { grantId: 'g1', userCode: `${model}-code` }), 600);
            await adapter(model).upsert(`${model}-g2`, payloadFor(model, `${model}-g2`, { grantId: 'g2' }), 600);
          }
          await adapter('AccessToken').upsert('no-expiry-g1', payloadFor('AccessToken', 'no-expiry-g1', { grantId: 'g1' }));
          await adapter('Grant').upsert('g1', payloadFor('Grant', 'g1', { accountId: 'acc-1' }), 600);
          await adapter('Session').upsert('s1', { jti: 's1', uid: 'uid-1', authorizations: { 'client-1': { grantId: 'g1' } } }, 600);
          await adapter('Interaction').upsert('i1', payloadFor('Interaction', 'i1', { grantId: 'g1' }), 600);

          await adapter('AccessToken').revokeByGrantId('g1');

          for (const model of GRANTABLE_MODELS) {
            expect(await adapter(model).find(`${model}-g1`)).toBeUndefined();
            expect(await adapter(model).findByUserCode(`${model}-code`)).toBeUndefined();
            expect(await adapter(model).find(`${model}-g2`)).toEqual(payloadFor(model, `${model}-g2`, { grantId: 'g2' }));
          }
          expect(await adapter('AccessToken').find('no-expiry-g1')).toBeUndefined();
          expect(await adapter('Grant').find('g1')).toBeDefined();
          expect(await adapter('Session').findByUid('uid-1')).toBeDefined();
          expect(await adapter('Interaction').find('i1')).toBeDefined();
        });

        it('follows an entry upserted again under another grant', async () => {
          await adapter('RefreshToken').upsert('r1', payloadFor('RefreshToken', 'r1', { grantId: 'g1' }), 600);
          await adapter('RefreshToken').upsert('r1', payloadFor('RefreshToken', 'r1', { grantId: 'g2' }), 600);
          await adapter('RefreshToken').revokeByGrantId('g1');
          expect(await adapter('RefreshToken').find('r1')).toBeDefined();
          await adapter('RefreshToken').revokeByGrantId('g2');
          expect(await adapter('RefreshToken').find('r1')).toBeUndefined();
        });

        it('is a no-op for an unknown grant', async () => {
          await adapter('AccessToken').upsert('t1', payloadFor('AccessToken', 't1', { grantId: 'g1' }), 600);
          await expect(adapter('AccessToken').revokeByGrantId('unknown')).resolves.toBeUndefined();
          expect(await adapter('AccessToken').find('t1')).toBeDefined();
        });
      });

      it('keeps each model in its own namespace', async () => {
        await adapter('AccessToken').upsert('same', payloadFor('AccessToken', 'same'), 600);
        await adapter('RefreshToken').upsert('same', payloadFor('RefreshToken', 'same'), 600);
        await adapter('Session').upsert('same', { jti: 'same', uid: 'shared-uid' }, 600);
        await adapter('RefreshToken').consume('same');
        expect(await adapter('AccessToken').find('same')).toEqual(payloadFor('AccessToken', 'same'));
        expect(await adapter('Interaction').findByUid('shared-uid')).toBeUndefined();
        await adapter('AccessToken').destroy('same');
        expect(await adapter('RefreshToken').find('same')).toMatchObject({ kind: 'RefreshToken', consumed: expect.any(Number) });
      });
    });

    describe('accounts', () => {
      it('creates an account and finds it by id and by email', async () => {
        const alice = accountFor('alice@example.com', { emailVerified: false });
        expect(await store.accounts.create(alice)).toBe('created');
        expect(await store.accounts.findById(alice.id)).toEqual(alice);
        expect(await store.accounts.findByEmail('alice@example.com')).toEqual(alice);
        expect(await store.accounts.findById('sub-nobody')).toBeUndefined();
        expect(await store.accounts.findByEmail('nobody@example.com')).toBeUndefined();
      });

      it('refuses a second account with the same email and keeps the first', async () => {
        const alice = accountFor('alice@example.com');
        await store.accounts.create(alice);
        expect(await store.accounts.create(accountFor('alice@example.com', { id: 'sub-other', name: 'Other' }))).toBe('email-taken');
        expect(await store.accounts.findById('sub-other')).toBeUndefined();
        expect(await store.accounts.findByEmail('alice@example.com')).toEqual(alice);
      });

      it('lets only one of many parallel creates take an email', async () => {
        const results = await Promise.all(Array.from({ length: 10 }, (_, index) =>
          store.accounts.create(accountFor('race@example.com', { id: `sub-${index}` }))));
        expect(results.filter((result) => result === 'created')).toHaveLength(1);
        expect(await store.accounts.list()).toHaveLength(1);
      });

      it('lists every account ordered by email', async () => {
        expect(await store.accounts.list()).toEqual([]);
        const emails = ['carol@example.com', 'alice@example.com', 'bob@example.org', 'alice@example.co'];
        for (const email of emails) await store.accounts.create(accountFor(email, { id: `sub-${email}` }));
        expect((await store.accounts.list()).map((account) => account.email)).toEqual(
          ['alice@example.co', 'alice@example.com', 'bob@example.org', 'carol@example.com']);
      });

      it('removes an account and frees its email', async () => {
        const alice = accountFor('alice@example.com');
        await store.accounts.create(alice);
        await store.accounts.create(accountFor('bob@example.com'));
        expect(await store.accounts.remove(alice.id)).toBe(true);
        expect(await store.accounts.remove(alice.id)).toBe(false);
        expect(await store.accounts.findById(alice.id)).toBeUndefined();
        expect(await store.accounts.findByEmail(alice.email)).toBeUndefined();
        expect((await store.accounts.list()).map((account) => account.email)).toEqual(['bob@example.com']);
        expect(await store.accounts.create(accountFor('alice@example.com', { id: 'sub-alice-2' }))).toBe('created');
      });

      it('updates the password hash and when the credentials changed', async () => {
        const alice = accountFor('alice@example.com');
        await store.accounts.create(alice);
        expect(await store.accounts.updatePassword(alice.id, '$argon2id$new', alice.createdAt + 5_000)).toBe(true);
        expect(await store.accounts.findByEmail(alice.email)).toEqual(
          { ...alice, passwordHash: '$argon2id$new', credentialsChangedAt: alice.createdAt + 5_000 });
        expect(await store.accounts.updatePassword('sub-nobody', '$argon2id$new', 1)).toBe(false);
        expect(await store.accounts.findById('sub-nobody')).toBeUndefined();
      });
    });

    describe('counters', () => {
      it('counts up from 1 and reads 0 for an unknown key', async () => {
        expect(await store.counters.get('ip:1')).toBe(0);
        expect(await store.counters.increment('ip:1', 60)).toBe(1);
        expect(await store.counters.increment('ip:1', 60)).toBe(2);
        expect(await store.counters.increment('ip:1', 60)).toBe(3);
        expect(await store.counters.get('ip:1')).toBe(3);
      });

      it('opens a fixed window at the first hit and starts over once it closed', async () => {
        await store.counters.increment('k', 60);
        clock.advance(MINUTE_MS - 1);
        expect(await store.counters.increment('k', 60)).toBe(2);
        clock.advance(1);
        expect(await store.counters.get('k')).toBe(0);
        expect(await store.counters.increment('k', 60)).toBe(1);
        clock.advance(MINUTE_MS - 1);
        expect(await store.counters.get('k')).toBe(1);
        clock.advance(1);
        expect(await store.counters.get('k')).toBe(0);
      });

      it('reset clears a key', async () => {
        await store.counters.increment('k', 60);
        await store.counters.increment('k', 60);
        await store.counters.reset('k');
        await store.counters.reset('never-used');
        expect(await store.counters.get('k')).toBe(0);
        expect(await store.counters.increment('k', 60)).toBe(1);
      });

      it('keeps keys independent', async () => {
        await store.counters.increment('a', 60);
        await store.counters.increment('a', 60);
        await store.counters.increment('b', 600);
        await store.counters.reset('a');
        expect(await store.counters.get('a')).toBe(0);
        expect(await store.counters.get('b')).toBe(1);
      });

      it('gives 20 parallel increments the counts 1..20, each once', async () => {
        const counts = await Promise.all(Array.from({ length: 20 }, () => store.counters.increment('busy', 60)));
        expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
        expect(await store.counters.get('busy')).toBe(20);
      });
    });

    describe('lifecycle', () => {
      it('ping resolves while the store is open', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('after close, ping rejects and close again is a no-op', async () => {
        await store.close();
        await expect(store.ping()).rejects.toThrow();
        await expect(store.close()).resolves.toBeUndefined();
      });
    });
  });
}
