import type { TrustedDevice } from '../../src/trusted-device/trusted-device-store.ts';
import { MINUTE_MS, useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

const ALICE = 'sub-alice';
const BOB = 'sub-bob';
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Store.trustedDevices (src/trusted-device/trusted-device-store.ts), as every Store must provide it. */
export function describeTrustedDevicesContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);
    const devices = () => ctx.store.trustedDevices;

    /** A device of `accountId` trusted now for 30 days; `name` makes id and token hash unique. */
    const device = (accountId: string, name: string, overrides: Partial<TrustedDevice> = {}): TrustedDevice => ({
      id: `td-${name}`,
      tokenHash: `hmac-${name}`,
      accountId,
      epoch: 3,
      label: 'Firefox on Linux',
      createdAt: ctx.clock(),
      lastUsedAt: ctx.clock(),
      expiresAt: ctx.clock() + 30 * DAY_MS,
      ...overrides,
    });

    describe('trustedDevices', () => {
      it('findByTokenHash returns what save stored, and undefined for an unknown hash', async () => {
        const saved = device(ALICE, 'a1', { epoch: 7, label: 'Safari on iOS — “work” phone' });
        await devices().save(saved);
        expect(await devices().findByTokenHash('hmac-a1')).toEqual(saved);
        expect(await devices().findByTokenHash('hmac-unknown')).toBeUndefined();
        expect(await devices().findByTokenHash('td-a1')).toBeUndefined();
      });

      it('a device expires at expiresAt, by the injected clock, for find and list alike', async () => {
        const saved = device(ALICE, 'a1', { expiresAt: ctx.clock() + DAY_MS });
        await devices().save(saved);
        ctx.clock.advance(DAY_MS - 1);
        expect(await devices().findByTokenHash('hmac-a1')).toEqual(saved);
        expect(await devices().listForAccount(ALICE)).toEqual([saved]);
        ctx.clock.advance(1);
        expect(await devices().findByTokenHash('hmac-a1')).toBeUndefined();
        expect(await devices().listForAccount(ALICE)).toEqual([]);
      });

      it('listForAccount lists only the account\'s own unexpired devices, newest first', async () => {
        const first = device(ALICE, 'a1');
        ctx.clock.advance(MINUTE_MS);
        const shortLived = device(ALICE, 'a2', { expiresAt: ctx.clock() + DAY_MS });
        ctx.clock.advance(MINUTE_MS);
        const bobs = device(BOB, 'b1');
        ctx.clock.advance(MINUTE_MS);
        const third = device(ALICE, 'a3');
        // Saved out of order: the listing sorts by createdAt.
        for (const saved of [third, bobs, first, shortLived]) await devices().save(saved);

        expect(await devices().listForAccount(ALICE)).toEqual([third, shortLived, first]);
        expect(await devices().listForAccount(BOB)).toEqual([bobs]);
        expect(await devices().listForAccount('sub-nobody')).toEqual([]);
        ctx.clock.advance(DAY_MS);
        expect(await devices().listForAccount(ALICE)).toEqual([third, first]);
      });

      it('touch updates lastUsedAt only', async () => {
        const saved = device(ALICE, 'a1');
        await devices().save(saved);
        ctx.clock.advance(5 * MINUTE_MS);
        await devices().touch(saved.id, ctx.clock());
        const touched = { ...saved, lastUsedAt: ctx.clock() };
        expect(await devices().findByTokenHash('hmac-a1')).toEqual(touched);
        expect(await devices().listForAccount(ALICE)).toEqual([touched]);
      });

      it('touch of an unknown or revoked device is a no-op and brings nothing back', async () => {
        await expect(devices().touch('td-unknown', ctx.clock())).resolves.toBeUndefined();
        const saved = device(ALICE, 'a1');
        await devices().save(saved);
        expect(await devices().revoke(ALICE, saved.id)).toBe(true);
        await devices().touch(saved.id, ctx.clock());
        expect(await devices().findByTokenHash('hmac-a1')).toBeUndefined();
        expect(await devices().listForAccount(ALICE)).toEqual([]);
      });

      it('revoke of the account\'s own device answers true; the device and its token hash are gone', async () => {
        const kept = device(ALICE, 'a1');
        ctx.clock.advance(MINUTE_MS);
        const revoked = device(ALICE, 'a2');
        await devices().save(kept);
        await devices().save(revoked);
        expect(await devices().revoke(ALICE, revoked.id)).toBe(true);
        expect(await devices().findByTokenHash('hmac-a2')).toBeUndefined();
        expect(await devices().listForAccount(ALICE)).toEqual([kept]);
        expect(await devices().revoke(ALICE, revoked.id)).toBe(false);
        expect(await devices().revoke(ALICE, 'td-unknown')).toBe(false);
      });

      it('revoke of another account\'s device answers false and leaves it in place', async () => {
        const bobs = device(BOB, 'b1');
        await devices().save(bobs);
        expect(await devices().revoke(ALICE, bobs.id)).toBe(false);
        expect(await devices().findByTokenHash('hmac-b1')).toEqual(bobs);
        expect(await devices().listForAccount(BOB)).toEqual([bobs]);
      });

      it('revoke of an expired device answers false', async () => {
        await devices().save(device(ALICE, 'a1', { expiresAt: ctx.clock() + MINUTE_MS }));
        ctx.clock.advance(MINUTE_MS);
        expect(await devices().revoke(ALICE, 'td-a1')).toBe(false);
        ctx.clock.advance(-MINUTE_MS);
        expect(await devices().findByTokenHash('hmac-a1')).toBeUndefined();
      });

      it('of 20 parallel revokes of one device, exactly one answers true', async () => {
        await devices().save(device(ALICE, 'a1'));
        const results = await Promise.all(Array.from({ length: 20 }, () => devices().revoke(ALICE, 'td-a1')));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('revokeAll revokes every device of the account, returns how many, and leaves other accounts alone', async () => {
        const alices = [device(ALICE, 'a1'), device(ALICE, 'a2', { createdAt: ctx.clock() + 1 }), device(ALICE, 'a3', { createdAt: ctx.clock() + 2 })];
        const bobs = device(BOB, 'b1');
        for (const saved of [...alices, bobs]) await devices().save(saved);

        expect(await devices().revokeAll(ALICE)).toBe(3);
        expect(await devices().listForAccount(ALICE)).toEqual([]);
        for (const saved of alices) expect(await devices().findByTokenHash(saved.tokenHash)).toBeUndefined();
        expect(await devices().listForAccount(BOB)).toEqual([bobs]);
        expect(await devices().findByTokenHash('hmac-b1')).toEqual(bobs);
        expect(await devices().revokeAll(ALICE)).toBe(0);
        expect(await devices().revokeAll('sub-nobody')).toBe(0);
      });

      it('revokeAll does not count devices that had already expired', async () => {
        await devices().save(device(ALICE, 'a1', { expiresAt: ctx.clock() + MINUTE_MS }));
        await devices().save(device(ALICE, 'a2'));
        ctx.clock.advance(MINUTE_MS);
        expect(await devices().revokeAll(ALICE)).toBe(1);
        ctx.clock.advance(-MINUTE_MS);
        expect(await devices().listForAccount(ALICE)).toEqual([]);
      });

      it('save with the id of a saved device replaces it, token hash and all', async () => {
        await devices().save(device(ALICE, 'a1'));
        ctx.clock.advance(MINUTE_MS);
        const replacement = device(ALICE, 'a1', { tokenHash: 'hmac-rotated', epoch: 4 });
        await devices().save(replacement);
        expect(await devices().findByTokenHash('hmac-a1')).toBeUndefined();
        expect(await devices().findByTokenHash('hmac-rotated')).toEqual(replacement);
        expect(await devices().listForAccount(ALICE)).toEqual([replacement]);
        expect(await devices().revokeAll(ALICE)).toBe(1);
      });

      it('save with the id of a saved device and another account moves it to that account', async () => {
        await devices().save(device(ALICE, 'a1'));
        const moved = device(BOB, 'a1');
        await devices().save(moved);
        expect(await devices().listForAccount(ALICE)).toEqual([]);
        expect(await devices().listForAccount(BOB)).toEqual([moved]);
        expect(await devices().revoke(ALICE, moved.id)).toBe(false);
        expect(await devices().revokeAll(ALICE)).toBe(0);
        expect(await devices().findByTokenHash('hmac-a1')).toEqual(moved);
        expect(await devices().revokeAll(BOB)).toBe(1);
      });

      it('save refuses a token hash that another device holds, and keeps that device', async () => {
        const first = device(ALICE, 'a1');
        await devices().save(first);
        await expect(devices().save(device(BOB, 'b1', { tokenHash: 'hmac-a1' }))).rejects.toThrow();
        expect(await devices().findByTokenHash('hmac-a1')).toEqual(first);
        expect(await devices().listForAccount(BOB)).toEqual([]);
      });
    });
  });
}
