import { createSmsBudget } from '../../../src/guard/sms-budget.ts';
import { createAudit } from '../../../src/audit/audit.ts';
import { createJsonLogger } from '../../../src/log.ts';
import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';

describe('SMS budget', () => {
  const limits = { resendCooldownSeconds: 30, perAccountPerHour: 3, perNumberPerDay: 4, perIpPerHour: 5, globalPerHour: 8 };

  function setup() {
    const clock = createFakeClock();
    const store = openSqliteStore({ file: ':memory:', clock, sweepIntervalMs: 0 });
    const logs: { event: string }[] = [];
    const budget = createSmsBudget(store.counters, limits, createAudit(createJsonLogger((line) => logs.push(JSON.parse(line)))));
    return { clock, store, logs, budget };
  }

  test('the cooldown: one text per account per 30 s', async () => {
    const { clock, store, budget } = setup();
    const send = { accountId: 'a', phone: '+447400100001', ip: '192.0.2.1' };
    expect(await budget.reserve(send)).toBeUndefined();
    expect(await budget.reserve(send)).toBe('SMS_COOLDOWN');
    clock.advance(30_000);
    expect(await budget.reserve(send)).toBeUndefined();
    await store.close();
  });

  test.each([
    ['account', (i: number) => ({ accountId: 'a', phone: `+44740010000${i}`, ip: `192.0.2.${i}` }), 3, 'SMS_ACCOUNT_CAP'],
    ['number', (i: number) => ({ accountId: `a${i}`, phone: '+447400100001', ip: `192.0.2.${i}` }), 4, 'SMS_NUMBER_CAP'],
    ['IP address', (i: number) => ({ accountId: `a${i}`, phone: `+44740010000${i}`, ip: '192.0.2.1' }), 5, 'SMS_IP_CAP'],
  ] as const)('the per-%s cap refuses the text after %#', async (_label, nth, cap, refusal) => {
    const { clock, store, budget } = setup();
    for (let i = 0; i < cap; i += 1) {
      expect(await budget.reserve(nth(i))).toBeUndefined();
      clock.advance(31_000);
    }
    expect(await budget.reserve(nth(cap))).toBe(refusal);
    await store.close();
  });

  test('the global budget opens the breaker, logged once, and it closes with the hour', async () => {
    const { clock, store, logs, budget } = setup();
    for (let i = 0; i < 8; i += 1) expect(await budget.reserve({ accountId: `a${i}`, phone: `+4474001000${i}0`, ip: `192.0.2.${i}` })).toBeUndefined();
    expect(await budget.reserve({ accountId: 'x', phone: '+447400199999', ip: '198.51.100.1' })).toBe('SMS_UNAVAILABLE');
    expect(await budget.reserve({ accountId: 'y', phone: '+447400199998', ip: '198.51.100.2' })).toBe('SMS_UNAVAILABLE');
    expect(logs.filter((l) => l.event === 'sms.breaker.open')).toHaveLength(1);
    clock.advance(3600_000);
    expect(await budget.reserve({ accountId: 'z', phone: '+447400199997', ip: '198.51.100.3' })).toBeUndefined();
    await store.close();
  });
});
