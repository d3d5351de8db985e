import type { NewCredential, PasskeyKey } from '../../src/mfa/mfa-store.ts';
import { useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';
import { ALICE, BOB, HASH, NEW_HASH, SECRET, STEP } from './mfa-fixtures.ts';

const KEY: PasskeyKey = {
  credentialId: 'Y3JlZGVudGlhbC1vZi1hbGljZQ',
  publicKey: 'pQECAyYgASFYIP-public-key-of-alice',
  counter: 0,
  transports: ['internal', 'hybrid'],
  backupEligible: true,
  backupState: false,
  name: 'Laptop',
  hardwareBound: false,
};

const passkey = (id: string, key: Partial<PasskeyKey> = {}): NewCredential =>
  ({ id, type: 'passkey', setUp: null, sealedSecret: null, lastAcceptedStep: null, phone: null, passkey: { ...KEY, ...key } });
const app = (id: string): NewCredential => ({ id, type: 'totp', setUp: null, sealedSecret: SECRET, lastAcceptedStep: STEP, phone: null });

/** Store.mfa's passkey methods (WebAuthn L3): the credential kept whole, its counter only forward, its name editable. */
export function describePasskeyContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract: passkeys`, () => {
    const ctx = useFreshStore(open, cleanup);
    const mfa = () => ctx.store.mfa;
    const passkeyOf = async (accountId: string, id: string) => (await mfa().get(accountId))?.credentials.find((method) => method.id === id);

    it('keeps a passkey whole beside other methods: id, public key, counter, transports, BE/BS, name', async () => {
      const now = ctx.clock();
      await mfa().addCredential(ALICE, app('app-1'), HASH, now);
      await mfa().addCredential(ALICE, passkey('pk-1'), NEW_HASH, now + 1);
      expect(await passkeyOf(ALICE, 'pk-1')).toEqual({
        id: 'pk-1', type: 'passkey', createdAt: now + 1, lastUsedAt: null, isDefault: false, setUp: null,
        sealedSecret: null, lastAcceptedStep: null, phone: null, passkey: KEY,
      });
      expect((await mfa().get(ALICE))?.epoch).toBe(2);
    });

    it('an authenticator without transports keeps an empty list', async () => {
      await mfa().addCredential(ALICE, passkey('pk-1', { transports: [] }), HASH, ctx.clock());
      expect((await passkeyOf(ALICE, 'pk-1'))?.passkey?.transports).toEqual([]);
    });

    it('acceptPasskeyUse: a counter going forward is recorded with the use and the backup state; the same or a lower one is refused', async () => {
      await mfa().addCredential(ALICE, passkey('pk-1', { counter: 5 }), HASH, ctx.clock());
      ctx.clock.advance(1000);
      expect(await mfa().acceptPasskeyUse(ALICE, 'pk-1', 6, true, ctx.clock())).toBe(true);
      expect(await passkeyOf(ALICE, 'pk-1')).toMatchObject({ lastUsedAt: ctx.clock(), passkey: { counter: 6, backupState: true } });
      expect(await mfa().acceptPasskeyUse(ALICE, 'pk-1', 6, true, ctx.clock())).toBe(false);
      expect(await mfa().acceptPasskeyUse(ALICE, 'pk-1', 3, true, ctx.clock())).toBe(false);
      expect(await mfa().acceptPasskeyUse(ALICE, 'pk-1', 0, true, ctx.clock())).toBe(false);
      expect((await passkeyOf(ALICE, 'pk-1'))?.passkey?.counter).toBe(6);
    });

    it('an authenticator that keeps no counter (always 0) is accepted each time', async () => {
      await mfa().addCredential(ALICE, passkey('pk-1'), HASH, ctx.clock());
      expect(await mfa().acceptPasskeyUse(ALICE, 'pk-1', 0, false, ctx.clock())).toBe(true);
      expect(await mfa().acceptPasskeyUse(ALICE, 'pk-1', 0, false, ctx.clock())).toBe(true);
    });

    it('of parallel uses with the same counter, one is recorded', async () => {
      await mfa().addCredential(ALICE, passkey('pk-1', { counter: 1 }), HASH, ctx.clock());
      const results = await Promise.all(Array.from({ length: 10 }, () => mfa().acceptPasskeyUse(ALICE, 'pk-1', 2, false, ctx.clock())));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('never for another account, another kind of method or an unknown id', async () => {
      await mfa().addCredential(ALICE, passkey('pk-1'), HASH, ctx.clock());
      await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
      expect(await mfa().acceptPasskeyUse(BOB, 'pk-1', 1, false, ctx.clock())).toBe(false);
      expect(await mfa().acceptPasskeyUse(ALICE, 'app-1', 1, false, ctx.clock())).toBe(false);
      expect(await mfa().acceptPasskeyUse(ALICE, 'nope', 1, false, ctx.clock())).toBe(false);
      expect(await mfa().renamePasskey(BOB, 'pk-1', 'Mine now')).toBe(false);
      expect(await mfa().renamePasskey(ALICE, 'app-1', 'An app')).toBe(false);
      expect((await passkeyOf(ALICE, 'pk-1'))?.passkey).toEqual(KEY);
    });

    it('renamePasskey changes the name only', async () => {
      await mfa().addCredential(ALICE, passkey('pk-1', { counter: 3 }), HASH, ctx.clock());
      expect(await mfa().renamePasskey(ALICE, 'pk-1', 'Phone — « travail »')).toBe(true);
      expect((await passkeyOf(ALICE, 'pk-1'))?.passkey).toEqual({ ...KEY, counter: 3, name: 'Phone — « travail »' });
    });

    it('removing a passkey works as for any method; disable takes passkeys with the rest', async () => {
      await mfa().addCredential(ALICE, passkey('pk-1'), HASH, ctx.clock());
      await mfa().addCredential(ALICE, passkey('pk-2', { credentialId: 'b3RoZXI' }), HASH, ctx.clock() + 1);
      expect(await mfa().removeCredential(ALICE, 'pk-1')).toBe(1);
      expect((await mfa().get(ALICE))?.credentials.map((method) => [method.id, method.isDefault])).toEqual([['pk-2', true]]);
      await mfa().disable(ALICE, ctx.clock());
      expect((await mfa().get(ALICE))?.credentials).toEqual([]);
    });

    it('keeps whether a passkey was shown to be hardware-bound', async () => {
      await mfa().addCredential(ALICE, passkey('pk-hw', { credentialId: 'aGFyZHdhcmU', backupEligible: false, hardwareBound: true }), HASH, ctx.clock());
      await mfa().addCredential(ALICE, passkey('pk-sw'), HASH, ctx.clock() + 1);
      expect((await passkeyOf(ALICE, 'pk-hw'))?.passkey).toMatchObject({ backupEligible: false, hardwareBound: true });
      expect((await passkeyOf(ALICE, 'pk-sw'))?.passkey?.hardwareBound).toBe(false);
    });

    it('a credential id registers to one account: a second registration, here or on another account, is refused and writes nothing', async () => {
      expect(await mfa().addCredential(ALICE, passkey('pk-1'), HASH, ctx.clock())).toBe(true);
      const alice = await mfa().get(ALICE);
      expect(await mfa().addCredential(BOB, passkey('pk-bob', { name: 'Stolen id' }), NEW_HASH, ctx.clock() + 1)).toBe(false);
      expect(await mfa().addCredential(ALICE, passkey('pk-again'), NEW_HASH, ctx.clock() + 1)).toBe(false);
      expect(await mfa().get(BOB)).toBeUndefined();
      expect(await mfa().get(ALICE)).toEqual(alice);
      // Other methods and other credential ids are not affected.
      expect(await mfa().addCredential(BOB, passkey('pk-bob', { credentialId: 'Ym9icy1vd24' }), HASH, ctx.clock())).toBe(true);
      expect(await mfa().addCredential(BOB, app('app-bob'), HASH, ctx.clock())).toBe(true);
    });

    it('removing the passkey, turning MFA off or deleting the record frees its credential id, and only its own', async () => {
      const other = { credentialId: 'YWxpY2Utc2Vjb25k' };
      await mfa().addCredential(ALICE, passkey('pk-1'), HASH, ctx.clock());
      await mfa().addCredential(ALICE, passkey('pk-2', other), HASH, ctx.clock());
      await mfa().removeCredential(ALICE, 'pk-1');
      expect(await mfa().addCredential(BOB, passkey('pk-bob-1', other), HASH, ctx.clock())).toBe(false);
      expect(await mfa().addCredential(BOB, passkey('pk-bob-1'), HASH, ctx.clock())).toBe(true);

      await mfa().disable(ALICE, ctx.clock());
      expect(await mfa().addCredential(BOB, passkey('pk-bob-2', other), HASH, ctx.clock())).toBe(true);

      await mfa().remove(BOB);
      expect(await mfa().addCredential(ALICE, passkey('pk-3'), HASH, ctx.clock())).toBe(true);
      expect(await mfa().addCredential(ALICE, passkey('pk-4', other), HASH, ctx.clock())).toBe(true);
    });
  });
}
