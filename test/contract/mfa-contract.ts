import { useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

import { ALICE, BOB, HASH, NEW_HASH, SECRET, STEP } from './mfa-fixtures.ts';

/** Store.mfa (src/mfa/mfa-store.ts), as every Store must provide it. */
export function describeMfaContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);
    const mfa = () => ctx.store.mfa;

    describe('mfa', () => {
      it('get of an account without a record answers undefined', async () => {
        expect(await mfa().get(ALICE)).toBeUndefined();
      });

      it('enrolTotp stores the enrolment and the backup code; the confirming step counts as accepted', async () => {
        const now = ctx.clock();
        await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, now);
        expect(await mfa().get(ALICE)).toEqual({
          accountId: ALICE,
          totp: { sealedSecret: SECRET, enrolledAt: now, lastAcceptedStep: STEP },
          sms: null,
          methodSetUp: null,
          backupCodeHash: HASH,
          backupCodeCreatedAt: now,
          epoch: 1,
          sessionsValidAfter: null,
        });
      });

      it('keeps how the current method was set up, replaces it with the method, and forgets it when MFA is turned off', async () => {
        await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock(), { how: 'sign-in', device: 'Chrome on macOS' });
        expect((await mfa().get(ALICE))?.methodSetUp).toEqual({ how: 'sign-in', device: 'Chrome on macOS' });
        await mfa().enrolSms(ALICE, '+447400123456', NEW_HASH, ctx.clock(), { how: 'security-page', device: 'Firefox on Linux' });
        expect((await mfa().get(ALICE))?.methodSetUp).toEqual({ how: 'security-page', device: 'Firefox on Linux' });
        // A method set up without saying how is not described with the previous method's story.
        await mfa().enrolTotp(ALICE, SECRET, STEP + 1, HASH, ctx.clock());
        expect((await mfa().get(ALICE))?.methodSetUp).toBeNull();
        await mfa().enrolTotp(BOB, SECRET, STEP, HASH, ctx.clock(), { how: 'sign-in', device: 'Safari on iOS' });
        await mfa().disable(BOB, ctx.clock());
        expect((await mfa().get(BOB))?.methodSetUp).toBeNull();
      });

      it('a second enrolTotp replaces the secret, the step and the backup code', async () => {
        await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
        await mfa().acceptTotpStep(ALICE, STEP + 10);
        ctx.clock.advance(60_000);
        const later = ctx.clock();
        await mfa().enrolTotp(ALICE, 'k1.another-secret', STEP + 2, NEW_HASH, later);
        expect(await mfa().get(ALICE)).toEqual({
          accountId: ALICE,
          totp: { sealedSecret: 'k1.another-secret', enrolledAt: later, lastAcceptedStep: STEP + 2 },
          sms: null,
          methodSetUp: null,
          backupCodeHash: NEW_HASH,
          backupCodeCreatedAt: later,
          epoch: 2,
          sessionsValidAfter: null,
        });
      });

      it('enrolSms stores the number and a backup code, and replaces the app (one method at a time)', async () => {
        await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
        ctx.clock.advance(1000);
        const later = ctx.clock();
        await mfa().enrolSms(ALICE, '+447400123456', NEW_HASH, later);
        expect(await mfa().get(ALICE)).toEqual({
          accountId: ALICE,
          totp: null,
          sms: { phone: '+447400123456', enrolledAt: later },
          methodSetUp: null,
          backupCodeHash: NEW_HASH,
          backupCodeCreatedAt: later,
          epoch: 2,
          sessionsValidAfter: null,
        });
        expect(await mfa().acceptTotpStep(ALICE, STEP + 5)).toBe(false);
      });

      it('enrolTotp after enrolSms removes the number', async () => {
        await mfa().enrolSms(ALICE, '+447400123456', HASH, ctx.clock());
        await mfa().enrolTotp(ALICE, SECRET, STEP, NEW_HASH, ctx.clock());
        const record = await mfa().get(ALICE);
        expect(record?.sms).toBeNull();
        expect(record?.totp?.sealedSecret).toBe(SECRET);
        expect(record?.backupCodeHash).toBe(NEW_HASH);
      });

      describe('acceptTotpStep', () => {
        it('accepts a later step and records it', async () => {
          await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
          expect(await mfa().acceptTotpStep(ALICE, STEP + 1)).toBe(true);
          expect((await mfa().get(ALICE))?.totp?.lastAcceptedStep).toBe(STEP + 1);
          expect(await mfa().acceptTotpStep(ALICE, STEP + 5)).toBe(true);
          expect((await mfa().get(ALICE))?.totp?.lastAcceptedStep).toBe(STEP + 5);
        });

        it('refuses the same or an earlier step and keeps the last one', async () => {
          await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
          expect(await mfa().acceptTotpStep(ALICE, STEP)).toBe(false);
          expect(await mfa().acceptTotpStep(ALICE, STEP - 1)).toBe(false);
          expect(await mfa().acceptTotpStep(ALICE, STEP + 3)).toBe(true);
          expect(await mfa().acceptTotpStep(ALICE, STEP + 3)).toBe(false);
          expect(await mfa().acceptTotpStep(ALICE, STEP + 2)).toBe(false);
          expect((await mfa().get(ALICE))?.totp?.lastAcceptedStep).toBe(STEP + 3);
        });

        it('refuses every step without an enrolment, and creates no record', async () => {
          expect(await mfa().acceptTotpStep(ALICE, STEP)).toBe(false);
          expect(await mfa().get(ALICE)).toBeUndefined();
        });

        it('of 20 parallel accepts of the same step, exactly one succeeds', async () => {
          await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
          const results = await Promise.all(Array.from({ length: 20 }, () => mfa().acceptTotpStep(ALICE, STEP + 1)));
          expect(results.filter(Boolean)).toHaveLength(1);
          expect((await mfa().get(ALICE))?.totp?.lastAcceptedStep).toBe(STEP + 1);
        });
      });

      describe('swapBackupCode', () => {
        it('replaces the backup code while it is the expected one', async () => {
          await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
          ctx.clock.advance(5_000);
          expect(await mfa().swapBackupCode(ALICE, HASH, NEW_HASH, ctx.clock())).toBe(true);
          const record = await mfa().get(ALICE);
          expect(record).toMatchObject({ backupCodeHash: NEW_HASH, backupCodeCreatedAt: ctx.clock() });
          // The authenticator app is untouched.
          expect(record?.totp).toEqual({ sealedSecret: SECRET, enrolledAt: ctx.clock() - 5_000, lastAcceptedStep: STEP });
        });

        it('refuses a wrong expected hash and changes nothing', async () => {
          await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
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
          await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
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

      it('remove deletes the whole record, and is a no-op without one', async () => {
        await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
        await mfa().remove(ALICE);
        await expect(mfa().remove(BOB)).resolves.toBeUndefined();
        expect(await mfa().get(ALICE)).toBeUndefined();
        expect(await mfa().acceptTotpStep(ALICE, STEP + 1)).toBe(false);
        expect(await mfa().swapBackupCode(ALICE, HASH, NEW_HASH, ctx.clock())).toBe(false);
        expect(await mfa().get(ALICE)).toBeUndefined();
      });

      it('keeps the records of two accounts independent', async () => {
        await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
        await mfa().enrolTotp(BOB, 'k1.sealed-secret-of-bob', STEP + 100, 'bob-hash', ctx.clock());
        expect(await mfa().acceptTotpStep(ALICE, STEP + 1)).toBe(true);
        expect(await mfa().swapBackupCode(BOB, HASH, NEW_HASH, ctx.clock())).toBe(false);
        expect(await mfa().swapBackupCode(ALICE, 'bob-hash', NEW_HASH, ctx.clock())).toBe(false);
        await mfa().remove(ALICE);
        expect(await mfa().get(ALICE)).toBeUndefined();
        expect(await mfa().get(BOB)).toEqual({
          accountId: BOB,
          totp: { sealedSecret: 'k1.sealed-secret-of-bob', enrolledAt: ctx.clock(), lastAcceptedStep: STEP + 100 },
          sms: null,
          methodSetUp: null,
          backupCodeHash: 'bob-hash',
          backupCodeCreatedAt: ctx.clock(),
          epoch: 1,
          sessionsValidAfter: null,
        });
      });

      it('never expires a record', async () => {
        await mfa().enrolTotp(ALICE, SECRET, STEP, HASH, ctx.clock());
        ctx.clock.advance(10 * 365 * 24 * 60 * 60_000);
        expect((await mfa().get(ALICE))?.backupCodeHash).toBe(HASH);
        expect(await mfa().acceptTotpStep(ALICE, STEP + 1)).toBe(true);
      });
    });
  });
}
