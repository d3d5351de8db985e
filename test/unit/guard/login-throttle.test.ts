import { createLoginThrottle } from '../../../src/guard/login-throttle.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';
import { openTestStore, STORE_KINDS } from '../../helpers/test-stores.ts';

describe.each(STORE_KINDS)('login throttle on %s', (kind) => {
  const setup = async () => {
    const clock = createFakeClock();
    const testStore = await openTestStore(kind, clock);
    const throttle = createLoginThrottle(testStore.store.counters, { maxFailuresPerAccount: 3, maxFailuresPerIp: 5, failureWindowSeconds: 60 });
    return { clock, testStore, throttle };
  };

  test('locks a name after its limit, whether or not the account exists, and reopens after the window', async () => {
    const { clock, testStore, throttle } = await setup();
    for (let i = 0; i < 3; i += 1) {
      expect(await throttle.attempt('ghost@example.com', `10.0.0.${i + 1}`)).toBe('open');
      await throttle.recordFailure('ghost@example.com', `10.0.0.${i + 1}`);
    }
    expect(await throttle.attempt('ghost@example.com', '10.0.0.9')).toBe('account-locked');
    expect(await throttle.attempt('other@example.com', '10.0.0.9')).toBe('open');
    clock.advance(60_000);
    expect(await throttle.attempt('ghost@example.com', '10.0.0.9')).toBe('open');
    await testStore.dispose();
  });

  test('locks an address after its limit of failures, for every name', async () => {
    const { testStore, throttle } = await setup();
    for (let i = 0; i < 5; i += 1) await throttle.recordFailure(`user${i}@example.com`, '192.0.2.7');
    expect(await throttle.attempt('fresh@example.com', '192.0.2.7')).toBe('ip-locked');
    expect(await throttle.attempt('fresh@example.com', '192.0.2.8')).toBe('open');
    await testStore.dispose();
  });

  test("a success clears the name's count", async () => {
    const { testStore, throttle } = await setup();
    await throttle.attempt('ada@example.com', '198.51.100.1');
    await throttle.attempt('ada@example.com', '198.51.100.1');
    await throttle.recordSuccess('ada@example.com');
    for (let i = 0; i < 3; i += 1) expect(await throttle.attempt('ada@example.com', '198.51.100.2')).toBe('open');
    expect(await throttle.attempt('ada@example.com', '198.51.100.2')).toBe('account-locked');
    await testStore.dispose();
  });

  test('thirty parallel attempts on one name: exactly three may check a password', async () => {
    const { testStore, throttle } = await setup();
    const gates = await Promise.all(Array.from({ length: 30 }, (_, i) => throttle.attempt('burst@example.com', `203.0.113.${i}`)));
    expect(gates.filter((gate) => gate === 'open')).toHaveLength(3);
    await testStore.dispose();
  });
});
