import { createFactorGuard, type FactorId } from '../../../src/guard/factor-guard.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';
import { openTestStore, STORE_KINDS } from '../../helpers/test-stores.ts';

describe.each(STORE_KINDS)('wrong-code limits on %s', (kind) => {
  const setup = async () => {
    const clock = createFakeClock();
    const testStore = await openTestStore(kind, clock);
    const locks: [string, FactorId, number | null][] = [];
    const guard = createFactorGuard(testStore.store.counters, { lockAfterFailures: 5, maxFailures: 20 }, (a, f, s) => locks.push([a, f, s]));
    return { clock, testStore, guard, locks };
  };

  async function fail(guard: Awaited<ReturnType<typeof setup>>['guard'], times: number) {
    for (let i = 0; i < times; i += 1) {
      expect(await guard.attempt('acct', 'totp')).toBe(true);
      await guard.recordFailure('acct', 'totp');
    }
  }

  test('five wrong codes lock the factor for a minute, then two, then four (backoff)', async () => {
    const { clock, testStore, guard, locks } = await setup();
    await fail(guard, 5);
    expect(await guard.attempt('acct', 'totp')).toBe(false);
    expect(await guard.attempt('acct', 'sms')).toBe(true);
    clock.advance(60_000);
    await fail(guard, 5);
    clock.advance(60_000);
    expect(await guard.attempt('acct', 'totp')).toBe(false);
    clock.advance(60_000);
    expect(await guard.attempt('acct', 'totp')).toBe(true);
    expect(locks).toEqual([['acct', 'totp', 60], ['acct', 'totp', 120]]);
    await testStore.dispose();
  });

  test('at the maximum only an operator unlocks; a success or an unlock clears the count', async () => {
    const { clock, testStore, guard, locks } = await setup();
    for (let round = 0; round < 4; round += 1) {
      await fail(guard, 5);
      clock.advance(3600_000);
    }
    expect(await guard.isLocked('acct', 'totp')).toBe(true);
    expect(await guard.attempt('acct', 'totp')).toBe(false);
    expect(locks.at(-1)).toEqual(['acct', 'totp', null]);
    await guard.unlock('acct', 'totp');
    expect(await guard.attempt('acct', 'totp')).toBe(true);
    await guard.recordSuccess('acct', 'totp');
    expect(await guard.failures('acct', 'totp')).toBe(0);
    await testStore.dispose();
  });

  test('lockOf says nothing while codes are checked, then when a pause ends, then that only an operator unlocks', async () => {
    const { clock, testStore, guard } = await setup();
    expect(await guard.lockOf('acct', 'totp')).toBeUndefined();
    await fail(guard, 4);
    expect(await guard.lockOf('acct', 'totp')).toBeUndefined();
    await fail(guard, 1);
    expect(await guard.lockOf('acct', 'totp')).toEqual({ kind: 'paused', until: clock() + 60_000 });
    // Another factor of the same account, and another account, are not paused.
    expect(await guard.lockOf('acct', 'sms')).toBeUndefined();
    expect(await guard.lockOf('other', 'totp')).toBeUndefined();
    clock.advance(60_000);
    expect(await guard.lockOf('acct', 'totp')).toBeUndefined();
    await fail(guard, 5);
    expect(await guard.lockOf('acct', 'totp')).toEqual({ kind: 'paused', until: clock() + 120_000 });
    for (let round = 0; round < 2; round += 1) {
      clock.advance(3600_000);
      await fail(guard, 5);
    }
    expect(await guard.lockOf('acct', 'totp')).toEqual({ kind: 'locked' });
    clock.advance(7 * 86_400_000);
    expect(await guard.lockOf('acct', 'totp')).toEqual({ kind: 'locked' });
    await guard.unlock('acct', 'totp');
    expect(await guard.lockOf('acct', 'totp')).toBeUndefined();
    await testStore.dispose();
  });

  test('a success after a lock clears every round it reached: the next wrong codes start from a full budget', async () => {
    const { clock, testStore, guard } = await setup();
    await fail(guard, 5);
    clock.advance(60_000);
    await fail(guard, 3);
    expect(await guard.attempt('acct', 'totp')).toBe(true);
    await guard.recordSuccess('acct', 'totp');
    expect(await guard.failures('acct', 'totp')).toBe(0);
    await fail(guard, 4);
    expect(await guard.isLocked('acct', 'totp')).toBe(false);
    await fail(guard, 1);
    expect(await guard.isLocked('acct', 'totp')).toBe(true);
    await testStore.dispose();
  });

  test('fifty parallel guesses: only five are ever checked', async () => {
    const { testStore, guard } = await setup();
    const allowed = await Promise.all(Array.from({ length: 50 }, () => guard.attempt('acct', 'sms')));
    expect(allowed.filter(Boolean)).toHaveLength(5);
    await testStore.dispose();
  });
});
