import type { AdapterPayload } from 'oidc-provider';
import { GRANTABLE_MODELS } from '../../src/store/store.ts';
import { MINUTE_MS, useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

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
const TEN_YEARS_MS = 10 * 365 * 24 * 60 * MINUTE_MS;

function payloadFor(model: string, id: string, extra: Partial<AdapterPayload> = {}): AdapterPayload {
  return { jti: id, kind: model, iat: 1_893_456_000, scope: 'openid email', extra: { nested: [1, 'two', null] }, ...extra };
}

/** oidc-provider's storage adapter (Store.adapterFactory), as every Store must provide it. */
export function describeAdapterContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);
    const adapter = (model: string) => ctx.store.adapterFactory(model);

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
        ctx.clock.advance(MINUTE_MS - 1);
        expect(await adapter('AccessToken').find('t1')).toEqual(payloadFor('AccessToken', 't1'));
        ctx.clock.advance(1);
        expect(await adapter('AccessToken').find('t1')).toBeUndefined();
      });

      it('a later upsert restarts the expiry', async () => {
        await adapter('Interaction').upsert('i1', payloadFor('Interaction', 'i1'), 60);
        ctx.clock.advance(50_000);
        await adapter('Interaction').upsert('i1', payloadFor('Interaction', 'i1'), 60);
        ctx.clock.advance(50_000);
        expect(await adapter('Interaction').find('i1')).toBeDefined();
      });

      it('an entry upserted without expiresIn never expires', async () => {
        await adapter('Client').upsert('c1', payloadFor('Client', 'c1'));
        ctx.clock.advance(TEN_YEARS_MS);
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
          ctx.clock.advance(MINUTE_MS);
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
          ctx.clock.advance(MINUTE_MS);
          expect(await adapter('DeviceCode').findByUserCode('BBBB-BBBB')).toBeUndefined();
        });
      });

      describe('consume', () => {
        it.each(CONSUMABLE_MODELS)('%s: marks the entry consumed, in seconds since the epoch', async (model) => {
          await adapter(model).upsert('c1', payloadFor(model, 'c1'), 600);
          ctx.clock.advance(12_345);
          await adapter(model).consume('c1');
          expect(await adapter(model).find('c1')).toEqual({ ...payloadFor(model, 'c1'), consumed: Math.floor(ctx.clock() / 1000) });
        });

        it('keeps the time of the first consumption', async () => {
          await adapter('AuthorizationCode').upsert('c1', payloadFor('AuthorizationCode', 'c1'), 600);
          const first = Math.floor(ctx.clock() / 1000);
          await adapter('AuthorizationCode').consume('c1');
          ctx.clock.advance(5_000);
          await adapter('AuthorizationCode').consume('c1');
          expect((await adapter('AuthorizationCode').find('c1'))?.consumed).toBe(first);
        });

        it('is a no-op for a missing or expired id', async () => {
          await expect(adapter('AuthorizationCode').consume('missing')).resolves.toBeUndefined();
          expect(await adapter('AuthorizationCode').find('missing')).toBeUndefined();
          await adapter('AuthorizationCode').upsert('old', payloadFor('AuthorizationCode', 'old'), 60);
          ctx.clock.advance(MINUTE_MS);
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
  });
}
