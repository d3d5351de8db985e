import { createLoginThrottle, DEVICE_COOKIE_DAYS, type LoginAttempt } from '../../../src/guard/login-throttle.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';
import { openTestStore, STORE_KINDS } from '../../helpers/test-stores.ts';

const LIMIT = 3;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe.each(STORE_KINDS)('login throttle on %s', (kind) => {
  const setup = async () => {
    const clock = createFakeClock();
    const testStore = await openTestStore(kind, clock);
    const throttle = createLoginThrottle(testStore.store.counters, { maxFailuresPerAccount: LIMIT, maxFailuresPerIp: 5, failureWindowSeconds: 60 }, { secrets: ['a test device-cookie key, long enough'], clock });
    /** One submission: the gate, then (when open) a wrong or right password after a moment's "hashing". */
    const submit = async (login: string, ip: string, right: boolean, cookie?: string): Promise<{ gate: LoginAttempt['gate']; cookie?: string }> => {
      const attempt = await throttle.attempt(login, ip, cookie);
      if (attempt.gate !== 'open') {
        await attempt.failed();
        return { gate: attempt.gate };
      }
      await tick();
      if (!right) {
        await attempt.failed();
        return { gate: 'open' };
      }
      return { gate: 'open', cookie: (await attempt.succeeded()).token };
    };
    return { clock, testStore, throttle, submit };
  };

  test('locks a name after its limit, whether or not the account exists, and reopens after the window', async () => {
    const { clock, testStore, submit } = await setup();
    for (let i = 0; i < LIMIT; i += 1) expect((await submit('ghost@example.com', `10.0.0.${i + 1}`, false)).gate).toBe('open');
    expect((await submit('ghost@example.com', '10.0.0.9', true)).gate).toBe('account-locked');
    expect((await submit('other@example.com', '10.0.0.9', true)).gate).toBe('open');
    clock.advance(60_000);
    expect((await submit('ghost@example.com', '10.0.0.9', true)).gate).toBe('open');
    await testStore.dispose();
  });

  test('locks an address after its limit of failures, for every name', async () => {
    const { testStore, submit } = await setup();
    for (let i = 0; i < 5; i += 1) await submit(`user${i}@example.com`, '192.0.2.7', false);
    expect((await submit('fresh@example.com', '192.0.2.7', true)).gate).toBe('ip-locked');
    expect((await submit('fresh@example.com', '192.0.2.8', true)).gate).toBe('open');
    await testStore.dispose();
  });

  test("a success clears the name's failures", async () => {
    const { testStore, submit } = await setup();
    for (let i = 0; i < LIMIT - 1; i += 1) await submit('ada@example.com', '198.51.100.1', false);
    await submit('ada@example.com', '198.51.100.1', true);
    for (let i = 0; i < LIMIT; i += 1) expect((await submit('ada@example.com', '198.51.100.2', false)).gate).toBe('open');
    expect((await submit('ada@example.com', '198.51.100.2', true)).gate).toBe('account-locked');
    await testStore.dispose();
  });

  test('thirty parallel wrong passwords on one name: exactly the limit are checked, then even the right one is refused', async () => {
    const { testStore, submit } = await setup();
    const gates = await Promise.all(Array.from({ length: 30 }, (_, i) => submit('burst@example.com', `203.0.113.${i}`, false)));
    expect(gates.filter(({ gate }) => gate === 'open')).toHaveLength(LIMIT);
    expect((await submit('burst@example.com', '203.0.113.99', true)).gate).toBe('account-locked');
    await testStore.dispose();
  });

  test('failures are counted, not attempts in flight: twenty parallel right passwords all pass', async () => {
    const { testStore, submit } = await setup();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => submit('busy@example.com', `203.0.113.${i}`, true)));
    expect(outcomes.map(({ gate }) => gate)).toEqual(Array(20).fill('open'));
    await testStore.dispose();
  });

  test("a browser's device cookie passes its own name's lock, not another name's; a tampered one is worth nothing", async () => {
    const { testStore, submit } = await setup();
    const { cookie } = await submit('owner@example.com', '198.51.100.1', true);
    expect(cookie).toMatch(/^[\w-]{22}\.\d+\.[\w-]{43}$/);
    for (let i = 0; i < LIMIT; i += 1) await submit('owner@example.com', `203.0.113.${i}`, false);
    for (let i = 0; i < LIMIT; i += 1) await submit('neighbour@example.com', `203.0.113.${i}`, false);
    expect((await submit('owner@example.com', '198.51.100.1', true)).gate).toBe('account-locked');
    expect((await submit('owner@example.com', '198.51.100.1', true, cookie)).gate).toBe('open');
    expect((await submit('neighbour@example.com', '198.51.100.1', true, cookie)).gate).toBe('account-locked');
    const [id, issuedAt, mac] = cookie!.split('.') as [string, string, string];
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    const forgeries = [`${id}.${issuedAt}.${flipped}`, `${id}.${Number(issuedAt) + 1}.${mac}`, `${'A'.repeat(22)}.${issuedAt}.${mac}`, 'garbage'];
    for (const [i, forged] of forgeries.entries()) {
      expect((await submit('owner@example.com', `198.51.100.${10 + i}`, true, forged)).gate).toBe('account-locked');
    }
    await testStore.dispose();
  });

  test('a device cookie that fails its own budget is no longer trusted: it falls back to the name, which is locked', async () => {
    const { testStore, submit } = await setup();
    const { cookie } = await submit('stolen@example.com', '198.51.100.1', true);
    for (let i = 0; i < LIMIT; i += 1) await submit('stolen@example.com', `203.0.113.${i}`, false);
    for (let i = 0; i < LIMIT; i += 1) expect((await submit('stolen@example.com', '198.51.100.2', false, cookie)).gate).toBe('open');
    expect((await submit('stolen@example.com', '198.51.100.2', true, cookie)).gate).toBe('account-locked');
    await testStore.dispose();
  });

  test(`a device cookie older than ${DEVICE_COOKIE_DAYS} days no longer passes the lock`, async () => {
    const { clock, testStore, submit } = await setup();
    const { cookie } = await submit('old@example.com', '198.51.100.1', true);
    clock.advance((DEVICE_COOKIE_DAYS * 86_400 + 1) * 1000);
    for (let i = 0; i < LIMIT; i += 1) await submit('old@example.com', `203.0.113.${i}`, false);
    expect((await submit('old@example.com', '198.51.100.1', true, cookie)).gate).toBe('account-locked');
    await testStore.dispose();
  });
});
