import { createCheckSlots } from '../../../src/guard/check-slots.ts';
import { countingStore } from '../../helpers/counting-store.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/test-stores.ts';

/** The failures hint (check-slots.ts): it only ever saves reads; a stale one never reuses a failed slot. */
describe.each(STORE_KINDS)('check slots and their failures hint on %s', (kind) => {
  const clock = createFakeClock(Date.now());
  let testStore: TestStore;

  beforeEach(async () => {
    testStore = await openTestStore(kind, clock);
  });
  afterEach(async () => {
    await testStore.dispose();
  });

  test('a subject without failures is reserved and released in four counter calls, not one per slot', async () => {
    const { store, calls } = countingStore(testStore.store);
    const slots = createCheckSlots(store.counters, { limit: 10, failureWindowSeconds: 900 });
    const reservation = await slots.reserve('account:a');
    expect(reservation).not.toBe('locked');
    await (reservation as Exclude<typeof reservation, 'locked'>).succeed();
    expect(calls.total()).toBe(4);
  });

  test('with the hint lost (reset, or expired before a newer failure), failed slots are still never handed out', async () => {
    const slots = createCheckSlots(testStore.store.counters, { limit: 3, failureWindowSeconds: 900 });
    for (let i = 0; i < 3; i += 1) {
      const reservation = await slots.reserve('account:b');
      if (reservation === 'locked') throw new Error('locked too early');
      await reservation.fail();
    }
    await testStore.store.counters.reset('login-failed-any:account:b');
    expect(await slots.reserve('account:b')).toBe('locked');
  });

  test('a right password after failures clears them: the whole budget is back', async () => {
    const slots = createCheckSlots(testStore.store.counters, { limit: 2, failureWindowSeconds: 900 });
    const wrong = await slots.reserve('account:c');
    if (wrong === 'locked') throw new Error('locked too early');
    await wrong.fail();
    const right = await slots.reserve('account:c');
    if (right === 'locked') throw new Error('locked too early');
    await right.succeed();
    for (let i = 0; i < 2; i += 1) {
      const again = await slots.reserve('account:c');
      if (again === 'locked') throw new Error('the failure was not cleared');
      await again.fail();
    }
    expect(await slots.reserve('account:c')).toBe('locked');
  });
});
