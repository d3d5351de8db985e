import type { NewCredential } from '../../src/mfa/mfa-store.ts';
import { useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

import { ALICE, BOB, HASH, NEW_HASH, SECRET, STEP } from './mfa-fixtures.ts';

const app = (id: string, step = STEP, sealedSecret = SECRET): NewCredential => ({ id, type: 'totp', setUp: null, sealedSecret, lastAcceptedStep: step, phone: null });
const phone = (id: string, number = '+447400123456'): NewCredential => ({ id, type: 'sms', setUp: null, sealedSecret: null, lastAcceptedStep: null, phone: number });

/** Store.mfa (src/mfa/mfa-store.ts), as every Store must provide it: several methods per account, one backup code. */
export function describeMfaContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);
    const mfa = () => ctx.store.mfa;
    const methodsOf = async (accountId: string) => (await mfa().get(accountId))?.credentials ?? [];

    describe('mfa', () => {
      it('get of an account without a record answers undefined', async () => {
        expect(await mfa().get(ALICE)).toBeUndefined();
      });

      it('addCredential stores the first method as the default, with the backup code; the confirming step counts as accepted', async () => {
        const now = ctx.clock();
        await mfa().addCredential(ALICE, app('app-1'), HASH, now);
        expect(await mfa().get(ALICE)).toEqual({
          accountId: ALICE,
          credentials: [{ id: 'app-1', type: 'totp', createdAt: now, lastUsedAt: null, isDefault: true, setUp: null, sealedSecret: SECRET, lastAcceptedStep: STEP, phone: null }],
          backupCodeHash: HASH,
          backupCodeCreatedAt: now,
          epoch: 1,
          sessionsValidAfter: null,
        });
        expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP, now)).toBe(false);
      });

      it('keeps how each method was set up', async () => {
        await mfa().addCredential(ALICE, { ...app('app-1'), setUp: { how: 'sign-in', device: 'Chrome on macOS' } }, HASH, ctx.clock());
        await mfa().addCredential(ALICE, { ...phone('phone-1'), setUp: { how: 'security-page', device: 'Firefox on Linux' } }, NEW_HASH, ctx.clock() + 1);
        expect((await methodsOf(ALICE)).map((method) => method.setUp)).toEqual([
          { how: 'sign-in', device: 'Chrome on macOS' }, { how: 'security-page', device: 'Firefox on Linux' },
        ]);
      });

      it('a second method is added beside the first (oldest first), with a new backup code and a raised epoch; the first stays the default', async () => {
        await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
        ctx.clock.advance(1000);
        const later = ctx.clock();
        await mfa().addCredential(ALICE, phone('phone-1'), NEW_HASH, later);
        const record = await mfa().get(ALICE);
        expect(record?.credentials.map((method) => [method.id, method.type, method.isDefault, method.phone])).toEqual([
          ['app-1', 'totp', true, null], ['phone-1', 'sms', false, '+447400123456'],
        ]);
        expect(record).toMatchObject({ backupCodeHash: NEW_HASH, backupCodeCreatedAt: later, epoch: 2 });
        // The app still works beside the phone.
        expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 5, later)).toBe(true);
      });

      describe('removeCredential and setDefaultCredential', () => {
        it('removing one keeps the rest and raises the epoch; removing the default makes the oldest remaining the default', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          await mfa().addCredential(ALICE, phone('phone-1'), HASH, ctx.clock() + 1);
          await mfa().addCredential(ALICE, phone('phone-2', '+447400999999'), HASH, ctx.clock() + 2);
          expect(await mfa().removeCredential(ALICE, 'app-1')).toBe(2);
          const record = await mfa().get(ALICE);
          expect(record?.credentials.map((method) => [method.id, method.isDefault])).toEqual([['phone-1', true], ['phone-2', false]]);
          expect(record?.epoch).toBe(4);
          expect(record?.backupCodeHash).toBe(HASH);
        });

        it('answers -1 for a method that is not the account\'s, and changes nothing', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          await mfa().addCredential(BOB, app('app-bob'), HASH, ctx.clock());
          const before = await mfa().get(ALICE);
          expect(await mfa().removeCredential(ALICE, 'app-bob')).toBe(-1);
          expect(await mfa().removeCredential(ALICE, 'nothing')).toBe(-1);
          expect(await mfa().get(ALICE)).toEqual(before);
          expect(await methodsOf(BOB)).toHaveLength(1);
        });

        it('removing the last answers 0 (the caller turns MFA off)', async () => {
          await mfa().addCredential(ALICE, phone('phone-1'), HASH, ctx.clock());
          expect(await mfa().removeCredential(ALICE, 'phone-1')).toBe(0);
          expect(await methodsOf(ALICE)).toEqual([]);
        });

        it('of two racing removals of the last two methods, exactly one sees none remain', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          await mfa().addCredential(ALICE, phone('phone-1'), HASH, ctx.clock() + 1);
          const results = await Promise.all([mfa().removeCredential(ALICE, 'app-1'), mfa().removeCredential(ALICE, 'phone-1')]);
          expect(results.sort()).toEqual([0, 1]);
        });

        it('setDefaultCredential moves the default to one of the account\'s own methods only', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          await mfa().addCredential(ALICE, phone('phone-1'), HASH, ctx.clock() + 1);
          await mfa().addCredential(BOB, app('app-bob'), HASH, ctx.clock());
          expect(await mfa().setDefaultCredential(ALICE, 'phone-1')).toBe(true);
          expect((await methodsOf(ALICE)).map((method) => [method.id, method.isDefault])).toEqual([['app-1', false], ['phone-1', true]]);
          expect(await mfa().setDefaultCredential(ALICE, 'app-bob')).toBe(false);
          expect((await methodsOf(ALICE)).map((method) => method.isDefault)).toEqual([false, true]);
          expect((await methodsOf(BOB))[0]?.isDefault).toBe(true);
        });
      });

      describe('acceptTotpStep', () => {
        it('accepts a later step, records it and the use', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 1, ctx.clock() + 5)).toBe(true);
          expect((await methodsOf(ALICE))[0]).toMatchObject({ lastAcceptedStep: STEP + 1, lastUsedAt: ctx.clock() + 5 });
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 5, ctx.clock())).toBe(true);
          expect((await methodsOf(ALICE))[0]?.lastAcceptedStep).toBe(STEP + 5);
        });

        it('refuses the same or an earlier step and keeps the last one', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP, ctx.clock())).toBe(false);
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP - 1, ctx.clock())).toBe(false);
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 3, ctx.clock())).toBe(true);
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 3, ctx.clock())).toBe(false);
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 2, ctx.clock())).toBe(false);
          expect((await methodsOf(ALICE))[0]?.lastAcceptedStep).toBe(STEP + 3);
        });

        it('each app keeps its own steps; a phone, another account\'s app or no record accepts none', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          await mfa().addCredential(ALICE, app('app-2', STEP - 10, 'k1.other'), HASH, ctx.clock());
          await mfa().addCredential(ALICE, phone('phone-1'), HASH, ctx.clock());
          expect(await mfa().acceptTotpStep(ALICE, 'app-2', STEP - 5, ctx.clock())).toBe(true);
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP - 5, ctx.clock())).toBe(false);
          expect(await mfa().acceptTotpStep(ALICE, 'phone-1', STEP + 1, ctx.clock())).toBe(false);
          expect(await mfa().acceptTotpStep(BOB, 'app-1', STEP + 1, ctx.clock())).toBe(false);
          expect(await mfa().get(BOB)).toBeUndefined();
        });

        it('of 20 parallel accepts of the same step, exactly one succeeds', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          const results = await Promise.all(Array.from({ length: 20 }, () => mfa().acceptTotpStep(ALICE, 'app-1', STEP + 1, ctx.clock())));
          expect(results.filter(Boolean)).toHaveLength(1);
          expect((await methodsOf(ALICE))[0]?.lastAcceptedStep).toBe(STEP + 1);
        });
      });

      it('touchCredential records the use of one method only', async () => {
        await mfa().addCredential(ALICE, phone('phone-1'), HASH, ctx.clock());
        await mfa().addCredential(ALICE, phone('phone-2', '+447400999999'), HASH, ctx.clock());
        await mfa().touchCredential(ALICE, 'phone-2', ctx.clock() + 60_000);
        await mfa().touchCredential(ALICE, 'nothing', ctx.clock());
        expect((await methodsOf(ALICE)).map((method) => method.lastUsedAt)).toEqual([null, ctx.clock() + 60_000]);
      });

      describe('swapBackupCode', () => {
        it('replaces the backup code while it is the expected one', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          const methods = await methodsOf(ALICE);
          ctx.clock.advance(5_000);
          expect(await mfa().swapBackupCode(ALICE, HASH, NEW_HASH, ctx.clock())).toBe(true);
          const record = await mfa().get(ALICE);
          expect(record).toMatchObject({ backupCodeHash: NEW_HASH, backupCodeCreatedAt: ctx.clock() });
          // The authenticator app is untouched.
          expect(record?.credentials).toEqual(methods);
        });

        it('refuses a wrong expected hash and changes nothing', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          const before = await mfa().get(ALICE);
          ctx.clock.advance(5_000);
          expect(await mfa().swapBackupCode(ALICE, 'not-the-hash', NEW_HASH, ctx.clock())).toBe(false);
          expect(await mfa().swapBackupCode(ALICE, '', NEW_HASH, ctx.clock())).toBe(false);
          expect(await mfa().get(ALICE)).toEqual(before);
          // Spent once, the old hash is no longer the expected one.
          expect(await mfa().swapBackupCode(ALICE, HASH, NEW_HASH, ctx.clock())).toBe(true);
          expect(await mfa().swapBackupCode(ALICE, HASH, 'third', ctx.clock())).toBe(false);
          expect((await mfa().get(ALICE))?.backupCodeHash).toBe(NEW_HASH);
        });

        it('refuses without a record, and creates none', async () => {
          expect(await mfa().swapBackupCode(ALICE, HASH, NEW_HASH, ctx.clock())).toBe(false);
          expect(await mfa().get(ALICE)).toBeUndefined();
        });

        it('of 20 parallel swaps from the same code, exactly one wins and its hash is kept', async () => {
          await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
          const newHashes = Array.from({ length: 20 }, (_, index) => `${NEW_HASH}-${index}`);
          const results = await Promise.all(newHashes.map((hash) => mfa().swapBackupCode(ALICE, HASH, hash, ctx.clock())));
          expect(results.filter(Boolean)).toHaveLength(1);
          expect((await mfa().get(ALICE))?.backupCodeHash).toBe(newHashes[results.indexOf(true)]);
        });
      });

      it('remove deletes the epoch with the record: a later raise starts again at 1', async () => {
        await mfa().raiseEpoch(ALICE, ctx.clock(), true);
        await mfa().disable(ALICE, ctx.clock());
        await mfa().remove(ALICE);
        expect(await mfa().get(ALICE)).toBeUndefined();
        expect(await mfa().raiseEpoch(ALICE, ctx.clock(), false)).toBe(1);
        expect(await mfa().get(ALICE)).toMatchObject({ epoch: 1, sessionsValidAfter: null });
      });

      it('remove deletes the whole record and every method, and is a no-op without one', async () => {
        await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
        await mfa().addCredential(ALICE, phone('phone-1'), HASH, ctx.clock());
        await mfa().remove(ALICE);
        await expect(mfa().remove(BOB)).resolves.toBeUndefined();
        expect(await mfa().get(ALICE)).toBeUndefined();
        expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 1, ctx.clock())).toBe(false);
        expect(await mfa().swapBackupCode(ALICE, HASH, NEW_HASH, ctx.clock())).toBe(false);
        expect(await mfa().get(ALICE)).toBeUndefined();
      });

      it('keeps the records of two accounts independent', async () => {
        await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
        await mfa().addCredential(BOB, app('app-bob', STEP + 100, 'k1.sealed-secret-of-bob'), 'bob-hash', ctx.clock());
        expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 1, ctx.clock())).toBe(true);
        expect(await mfa().swapBackupCode(BOB, HASH, NEW_HASH, ctx.clock())).toBe(false);
        expect(await mfa().swapBackupCode(ALICE, 'bob-hash', NEW_HASH, ctx.clock())).toBe(false);
        await mfa().remove(ALICE);
        expect(await mfa().get(ALICE)).toBeUndefined();
        expect(await mfa().get(BOB)).toEqual({
          accountId: BOB,
          credentials: [{ id: 'app-bob', type: 'totp', createdAt: ctx.clock(), lastUsedAt: null, isDefault: true, setUp: null, sealedSecret: 'k1.sealed-secret-of-bob', lastAcceptedStep: STEP + 100, phone: null }],
          backupCodeHash: 'bob-hash',
          backupCodeCreatedAt: ctx.clock(),
          epoch: 1,
          sessionsValidAfter: null,
        });
      });

      it('never expires a record', async () => {
        await mfa().addCredential(ALICE, app('app-1'), HASH, ctx.clock());
        ctx.clock.advance(10 * 365 * 24 * 60 * 60_000);
        expect((await mfa().get(ALICE))?.backupCodeHash).toBe(HASH);
        expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 1, ctx.clock())).toBe(true);
      });
    });
  });
}
