import { createSmsBudget, type SmsPurpose } from '../../../src/guard/sms-budget.ts';
import { createAudit } from '../../../src/audit/audit.ts';
import { createJsonLogger } from '../../../src/log.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/test-stores.ts';

describe.each(STORE_KINDS)('SMS budget (%s store)', (kind) => {
  // A global budget well above the other caps, so each test meets the cap it is about; the global tests set their own.
  const limits = { resendCooldownSeconds: 30, perAccountPerHour: 3, perNumberPerDay: 4, perIpPerHour: 5, globalPerHour: 100 };
  let testStore: TestStore | undefined;
  afterEach(async () => {
    await testStore?.dispose();
    testStore = undefined;
  });

  async function setup(globalPerHour = limits.globalPerHour) {
    const clock = createFakeClock();
    testStore = await openTestStore(kind, clock);
    const logs: { event: string; details?: Record<string, unknown> }[] = [];
    const budget = createSmsBudget(testStore.store.counters, { ...limits, globalPerHour }, createAudit(createJsonLogger((line) => logs.push(JSON.parse(line)))));
    return { clock, testStore, logs, budget };
  }

  test.each(['sign-in', 'setup'] as const)('the cooldown (%s): one text per account per 30 s', async (purpose) => {
    const { clock, budget } = await setup();
    const send = { purpose, accountId: 'a', phone: '+447400100001', ip: '192.0.2.1' };
    expect(await budget.reserve(send)).toBeUndefined();
    expect(await budget.reserve(send)).toBe('SMS_COOLDOWN');
    clock.advance(30_000);
    expect(await budget.reserve(send)).toBeUndefined();
  });

  const purposes: SmsPurpose[] = ['sign-in', 'setup'];
  test.each(purposes.flatMap((purpose) => [
    [purpose, 'account', (i: number) => ({ purpose, accountId: 'a', phone: `+44740010000${i}`, ip: `192.0.2.${i}` }), 3, 'SMS_ACCOUNT_CAP'],
    [purpose, 'number', (i: number) => ({ purpose, accountId: `a${i}`, phone: '+447400100001', ip: `192.0.2.${i}` }), 4, 'SMS_NUMBER_CAP'],
    [purpose, 'IP address', (i: number) => ({ purpose, accountId: `a${i}`, phone: `+44740010000${i}`, ip: '192.0.2.1' }), 5, 'SMS_IP_CAP'],
  ] as const))('%s: the per-%s cap refuses the text after %#', async (_purpose, _label, nth, cap, refusal) => {
    const { clock, budget } = await setup();
    for (let i = 0; i < cap; i += 1) {
      expect(await budget.reserve(nth(i))).toBeUndefined();
      clock.advance(31_000);
    }
    expect(await budget.reserve(nth(cap))).toBe(refusal);
  });

  test('the global budget opens the breaker, logged once, and it closes with the hour', async () => {
    const { clock, logs, budget } = await setup(8);
    for (let i = 0; i < 8; i += 1) expect(await budget.reserve({ purpose: 'sign-in', accountId: `a${i}`, phone: `+4474001000${i}0`, ip: `192.0.2.${i}` })).toBeUndefined();
    expect(await budget.reserve({ purpose: 'sign-in', accountId: 'x', phone: '+447400199999', ip: '198.51.100.1' })).toBe('SMS_UNAVAILABLE');
    expect(await budget.reserve({ purpose: 'sign-in', accountId: 'y', phone: '+447400199998', ip: '198.51.100.2' })).toBe('SMS_UNAVAILABLE');
    expect(logs.filter((l) => l.event === 'sms.breaker.open')).toHaveLength(1);
    clock.advance(3600_000);
    expect(await budget.reserve({ purpose: 'sign-in', accountId: 'z', phone: '+447400199997', ip: '198.51.100.3' })).toBeUndefined();
  });

  test("setups to someone else's number, from many accounts, do not spend that number's sign-in budget", async () => {
    const { clock, budget } = await setup();
    const victim = '+447400100009';
    // Attackers on one address start setup with the victim's number until setups to it are refused.
    let refusal;
    for (let i = 0; i < 10 && !refusal; i += 1) refusal = await budget.reserve({ purpose: 'setup', accountId: `attacker${i}`, phone: victim, ip: '203.0.113.7' });
    expect(refusal).toBe('SMS_NUMBER_CAP');
    // The owner, behind the same address, still gets every sign-in code the per-number cap allows
    // (owner accounts a, b: the per-account cap is not what this test is about).
    for (let i = 0; i < limits.perNumberPerDay; i += 1) {
      expect(await budget.reserve({ purpose: 'sign-in', accountId: `owner${i % 2}`, phone: victim, ip: '203.0.113.7' })).toBeUndefined();
      clock.advance(31_000);
    }
    expect(await budget.reserve({ purpose: 'sign-in', accountId: 'owner2', phone: victim, ip: '203.0.113.7' })).toBe('SMS_NUMBER_CAP');
  });

  test('a setup code does not hold back the first sign-in code (separate cooldowns)', async () => {
    const { budget } = await setup();
    const send = { accountId: 'a', phone: '+447400100001', ip: '192.0.2.1' };
    expect(await budget.reserve({ ...send, purpose: 'setup' })).toBeUndefined();
    expect(await budget.reserve({ ...send, purpose: 'sign-in' })).toBeUndefined();
  });

  test('setups may use only half of the global budget; the rest is left for sign-ins', async () => {
    const { logs, budget } = await setup(8);
    for (let i = 0; i < 4; i += 1) expect(await budget.reserve({ purpose: 'setup', accountId: `s${i}`, phone: `+4474002000${i}0`, ip: `192.0.2.${i}` })).toBeUndefined();
    // Refused setups stop at their own share and do not eat into the sign-in half.
    for (let i = 4; i < 20; i += 1) expect(await budget.reserve({ purpose: 'setup', accountId: `s${i}`, phone: `+447400200${i}0`, ip: `192.0.2.${i}` })).toBe('SMS_UNAVAILABLE');
    expect(logs.filter((l) => l.event === 'sms.breaker.open')).toEqual([expect.objectContaining({ details: expect.objectContaining({ budget: 4 }) })]);
    for (let i = 0; i < 4; i += 1) expect(await budget.reserve({ purpose: 'sign-in', accountId: `o${i}`, phone: `+4474003000${i}0`, ip: `198.51.100.${i}` })).toBeUndefined();
    expect(await budget.reserve({ purpose: 'sign-in', accountId: 'late', phone: '+447400399999', ip: '198.51.100.99' })).toBe('SMS_UNAVAILABLE');
  });
});
