import type { NewCredential } from '../../src/mfa/mfa-store.ts';
import { useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

import { ALICE, BOB, HASH, NEW_HASH, SECRET, STEP } from './mfa-fixtures.ts';
import { accountFor } from './accounts-contract.ts';

const app = (step = STEP): NewCredential => ({ id: 'app-1', type: 'totp', setUp: null, sealedSecret: SECRET, lastAcceptedStep: step, phone: null });
const phone: NewCredential = { id: 'phone-1', type: 'sms', setUp: null, sealedSecret: null, lastAcceptedStep: null, phone: '+447400123456' };
const appRow = (createdAt: number, step = STEP) => ({ id: 'app-1', type: 'totp', createdAt, lastUsedAt: null, isDefault: true, setUp: null, sealedSecret: SECRET, lastAcceptedStep: step, phone: null });

/** Store.mfa's security epoch and MFA-off (src/mfa/mfa-store.ts), as every Store must provide them. */
export function describeMfaEpochContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);
    const mfa = () => ctx.store.mfa;

    describe('mfa epoch', () => {
      describe('raiseEpoch', () => {
        it('without a record, creates one at epoch 1 with MFA off', async () => {
          expect(await mfa().raiseEpoch(ALICE, ctx.clock(), false)).toBe(1);
          expect(await mfa().get(ALICE)).toEqual({
            accountId: ALICE, credentials: [], backupCodeHash: null, backupCodeCreatedAt: null, epoch: 1, sessionsValidAfter: null,
          });
          // A record without a method has nothing to accept or spend.
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP, ctx.clock())).toBe(false);
          expect(await mfa().swapBackupCode(ALICE, HASH, NEW_HASH, ctx.clock())).toBe(false);
        });

        it('raises by one each time and returns the new epoch', async () => {
          expect(await mfa().raiseEpoch(ALICE, ctx.clock(), false)).toBe(1);
          expect(await mfa().raiseEpoch(ALICE, ctx.clock(), false)).toBe(2);
          expect((await mfa().get(ALICE))?.epoch).toBe(2);
        });

        it('with endSessions sets sessionsValidAfter to now; without, leaves it as it was', async () => {
          const first = ctx.clock();
          await mfa().raiseEpoch(ALICE, first, true);
          expect(await mfa().get(ALICE)).toMatchObject({ epoch: 1, sessionsValidAfter: first });
          ctx.clock.advance(60_000);
          await mfa().raiseEpoch(ALICE, ctx.clock(), false);
          expect(await mfa().get(ALICE)).toMatchObject({ epoch: 2, sessionsValidAfter: first });
          ctx.clock.advance(60_000);
          await mfa().raiseEpoch(ALICE, ctx.clock(), true);
          expect(await mfa().get(ALICE)).toMatchObject({ epoch: 3, sessionsValidAfter: ctx.clock() });
        });

        it('on an enrolled account keeps the factors and the backup code', async () => {
          await mfa().addCredential(ALICE, app(), HASH, ctx.clock());
          const enrolledAt = ctx.clock();
          ctx.clock.advance(1_000);
          expect(await mfa().raiseEpoch(ALICE, ctx.clock(), true)).toBe(2);
          expect(await mfa().get(ALICE)).toEqual({
            accountId: ALICE,
            credentials: [appRow(enrolledAt)],
            backupCodeHash: HASH,
            backupCodeCreatedAt: enrolledAt,
            epoch: 2,
            sessionsValidAfter: ctx.clock(),
          });
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 1, ctx.clock())).toBe(true);
        });

        it('adding an app and a phone raise the epoch (a factor change) and keep sessionsValidAfter', async () => {
          const raisedAt = ctx.clock();
          await mfa().raiseEpoch(ALICE, raisedAt, true);
          await mfa().raiseEpoch(ALICE, raisedAt, false);
          ctx.clock.advance(1_000);
          await mfa().addCredential(ALICE, app(), HASH, ctx.clock());
          expect(await mfa().get(ALICE)).toMatchObject({ credentials: [{ sealedSecret: SECRET }], epoch: 3, sessionsValidAfter: raisedAt });
          await mfa().addCredential(ALICE, phone, NEW_HASH, ctx.clock());
          expect(await mfa().get(ALICE)).toMatchObject({ credentials: [{ sealedSecret: SECRET }, { phone: '+447400123456' }], epoch: 4, sessionsValidAfter: raisedAt });
          expect(await mfa().swapBackupCode(ALICE, NEW_HASH, HASH, ctx.clock())).toBe(true);
          expect(await mfa().get(ALICE)).toMatchObject({ epoch: 4, sessionsValidAfter: raisedAt });
        });

        it('of 20 parallel raises, each gets its own epoch: 1 to 20, once each', async () => {
          const epochs = await Promise.all(Array.from({ length: 20 }, () => mfa().raiseEpoch(ALICE, ctx.clock(), true)));
          expect([...epochs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
          expect((await mfa().get(ALICE))?.epoch).toBe(20);
        });

        it('keeps the epochs of two accounts independent', async () => {
          await mfa().raiseEpoch(ALICE, ctx.clock(), true);
          await mfa().raiseEpoch(ALICE, ctx.clock(), true);
          expect(await mfa().raiseEpoch(BOB, ctx.clock(), false)).toBe(1);
          expect(await mfa().get(BOB)).toMatchObject({ epoch: 1, sessionsValidAfter: null });
          expect((await mfa().get(ALICE))?.epoch).toBe(2);
        });
      });

      describe('disable', () => {
        it('removes the app and the backup code, raises the epoch, ends sessions, and keeps the record', async () => {
          await mfa().addCredential(ALICE, app(), HASH, ctx.clock());
          await mfa().raiseEpoch(ALICE, ctx.clock(), false);
          ctx.clock.advance(60_000);
          await mfa().disable(ALICE, ctx.clock());
          expect(await mfa().get(ALICE)).toEqual({
            accountId: ALICE, credentials: [], backupCodeHash: null, backupCodeCreatedAt: null, epoch: 3, sessionsValidAfter: ctx.clock(),
          });
          expect(await mfa().acceptTotpStep(ALICE, 'app-1', STEP + 1, ctx.clock())).toBe(false);
          expect(await mfa().swapBackupCode(ALICE, HASH, NEW_HASH, ctx.clock())).toBe(false);
        });

        it('removes every method: text messages and apps alike', async () => {
          await mfa().addCredential(ALICE, phone, HASH, ctx.clock());
          await mfa().addCredential(ALICE, app(), HASH, ctx.clock());
          await mfa().disable(ALICE, ctx.clock());
          expect(await mfa().get(ALICE)).toEqual({
            accountId: ALICE, credentials: [], backupCodeHash: null, backupCodeCreatedAt: null, epoch: 3, sessionsValidAfter: ctx.clock(),
          });
        });

        it('without a record, creates one at epoch 1 with sessions ended', async () => {
          await mfa().disable(ALICE, ctx.clock());
          expect(await mfa().get(ALICE)).toEqual({
            accountId: ALICE, credentials: [], backupCodeHash: null, backupCodeCreatedAt: null, epoch: 1, sessionsValidAfter: ctx.clock(),
          });
        });

        it('twice raises the epoch twice; a later enrolment raises it once more', async () => {
          await mfa().addCredential(ALICE, app(), HASH, ctx.clock());
          await mfa().disable(ALICE, ctx.clock());
          ctx.clock.advance(1_000);
          await mfa().disable(ALICE, ctx.clock());
          const disabledAt = ctx.clock();
          ctx.clock.advance(1_000);
          await mfa().addCredential(ALICE, app(STEP + 10), NEW_HASH, ctx.clock());
          expect(await mfa().get(ALICE)).toEqual({
            accountId: ALICE,
            credentials: [appRow(ctx.clock(), STEP + 10)],
            backupCodeHash: NEW_HASH,
            backupCodeCreatedAt: ctx.clock(),
            epoch: 4,
            sessionsValidAfter: disabledAt,
          });
        });

        it('leaves other accounts alone', async () => {
          await mfa().addCredential(BOB, app(), HASH, ctx.clock());
          await mfa().disable(ALICE, ctx.clock());
          expect(await mfa().get(BOB)).toMatchObject({ credentials: [{ sealedSecret: SECRET }], backupCodeHash: HASH, epoch: 1, sessionsValidAfter: null });
        });
      });

    });

    describe('accountStates', () => {
      it('read answers, in one call, what accounts.findById and mfa.get answer: with a record, without one, and for no account', async () => {
        const alice = accountFor('alice@example.com', { id: ALICE });
        await ctx.store.accounts.create(alice);
        await ctx.store.accounts.create(accountFor('bob@example.com', { id: BOB }));
        await mfa().addCredential(ALICE, app(), HASH, ctx.clock());
        await mfa().raiseEpoch(ALICE, ctx.clock(), true);

        const aliceState = await ctx.store.accountStates.read(ALICE);
        expect(aliceState).toEqual({ account: await ctx.store.accounts.findById(ALICE), mfa: await mfa().get(ALICE) });
        expect(aliceState.account).toEqual(alice);
        expect(aliceState.mfa).toMatchObject({ accountId: ALICE, epoch: 2, credentials: [{ id: 'app-1' }] });
        // Each account's own: Bob has no MFA record, and nothing of Alice's.
        expect(await ctx.store.accountStates.read(BOB)).toEqual({ account: accountFor('bob@example.com', { id: BOB }), mfa: undefined });
        expect(await ctx.store.accountStates.read('sub-nobody')).toEqual({ account: undefined, mfa: undefined });
      });
    });
  });
}
