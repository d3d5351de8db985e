import { createLoginThrottle } from '../../../src/guard/login-throttle.ts';
import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';

describe('login throttle', () => {
  const clock = createFakeClock();
  const store = openSqliteStore({ file: ':memory:', clock, sweepIntervalMs: 0 });
  const throttle = createLoginThrottle(store.counters, { maxFailuresPerAccount: 3, maxFailuresPerIp: 5, failureWindowSeconds: 60 });
  afterAll(() => store.close());

  test('locks an account after its limit, whether or not the account exists, and reopens after the window', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect(await throttle.gate('ghost@example.com', '10.0.0.1')).toBe('open');
      await throttle.recordFailure('ghost@example.com', `10.0.0.${i + 1}`);
    }
    expect(await throttle.gate('ghost@example.com', '10.0.0.9')).toBe('account-locked');
    expect(await throttle.gate('other@example.com', '10.0.0.9')).toBe('open');
    clock.advance(60_000);
    expect(await throttle.gate('ghost@example.com', '10.0.0.9')).toBe('open');
  });

  test('locks an address after its limit, for every account', async () => {
    for (let i = 0; i < 5; i += 1) await throttle.recordFailure(`user${i}@example.com`, '192.0.2.7');
    expect(await throttle.gate('fresh@example.com', '192.0.2.7')).toBe('ip-locked');
    expect(await throttle.gate('fresh@example.com', '192.0.2.8')).toBe('open');
  });

  test('a success clears the account counter but not the address counter', async () => {
    await throttle.recordFailure('ada@example.com', '198.51.100.1');
    await throttle.recordFailure('ada@example.com', '198.51.100.1');
    await throttle.recordSuccess('ada@example.com');
    await throttle.recordFailure('ada@example.com', '198.51.100.1');
    await throttle.recordFailure('ada@example.com', '198.51.100.1');
    expect(await throttle.gate('ada@example.com', '198.51.100.2')).toBe('open');
    await throttle.recordFailure('ada@example.com', '198.51.100.1');
    expect(await throttle.gate('ada@example.com', '198.51.100.2')).toBe('account-locked');
    expect(await throttle.gate('someone@example.com', '198.51.100.1')).toBe('ip-locked');
  });
});
