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

  test('a subject without failures is reserved and released in two counter calls (one batch each way), not one per slot', async () => {
    const { store, calls } = countingStore(testStore.store);
    const slots = createCheckSlots(store.counters, { limit: 10, failureWindowSeconds: 900 });
    const reservation = await slots.reserve('account:a');
    expect(reservation).not.toBe('locked');
    await (reservation as Exclude<typeof reservation, 'locked'>).succeed();
    expect(calls.total()).toBe(2);
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

  test("a gate at its limit refuses before any check and holds no slot; under it, it costs no extra call", async () => {
    const { store, calls } = countingStore(testStore.store);
    const slots = createCheckSlots(store.counters, { limit: 1, failureWindowSeconds: 900 });
    const gate = { key: 'gate:ip', limit: 2 };
    const open = await slots.reserve('account:d', gate);
    if (open === 'locked' || open === 'gated') throw new Error(`refused: ${open}`);
    await open.succeed();
    expect(calls.total()).toBe(2);
    await store.counters.batch([{ increment: 'gate:ip', windowSeconds: 900 }, { increment: 'gate:ip', windowSeconds: 900 }]);
    expect(await slots.reserve('account:d', gate)).toBe('gated');
    // The one slot is free again: a reservation without the gate gets it at once.
    const after = await slots.reserve('account:d');
    if (after === 'locked') throw new Error('the gated try kept the slot');
    await after.succeed();
  });

  test('with failures recorded, a free first slot is taken at once and a right password still clears them', async () => {
    const slots = createCheckSlots(testStore.store.counters, { limit: 3, failureWindowSeconds: 900 });
    const first = await slots.reserve('account:e');
    const second = await slots.reserve('account:e');
    if (first === 'locked' || second === 'locked') throw new Error('locked too early');
    await second.fail();
    await first.succeed();
    // Slot 0 is free of failures, slot 1 holds one: the next reservation takes slot 0 in its first try.
    const third = await slots.reserve('account:e');
    if (third === 'locked') throw new Error('locked too early');
    await third.succeed();
    expect(await testStore.store.counters.get('login-failed-any:account:e')).toBe(0);
    for (let i = 0; i < 3; i += 1) {
      const again = await slots.reserve('account:e');
      if (again === 'locked') throw new Error('the failure was not cleared');
      await again.fail();
    }
    expect(await slots.reserve('account:e')).toBe('locked');
  });
});
