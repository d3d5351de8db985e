import { createFactorGuard } from '../../src/guard/factor-guard.ts';
import { createSmsBudget } from '../../src/guard/sms-budget.ts';
import { subjectScope } from '../../src/sign-in/second-factor-state.ts';
import { silentLogger } from '../../src/log.ts';
import { createSmsCodes } from '../../src/factors/sms/sms-codes.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/test-stores.ts';

/**
 * A text code is bound to what it was made for — the scope (interaction and account), the
 * account, the number — and checked against all three: this holds even where a caller got its
 * subject wrong, which is how a code texted to A once finished B's sign-in (issue 9 §1).
 */
describe.each(STORE_KINDS)('text codes bound to their account and number on %s', (kind) => {
  const clock = createFakeClock(Date.now());
  let testStore: TestStore;
  const sent: { to: string; body: string }[] = [];

  beforeAll(async () => {
    testStore = await openTestStore(kind, clock);
  });

  afterAll(async () => {
    await testStore.dispose();
  });

  function smsCodes() {
    const { counters, transient } = testStore.store;
    return createSmsCodes({
      provider: { kind: 'outbox', deliver: async (message) => { sent.push(message); } },
      budget: createSmsBudget(counters, { resendCooldownSeconds: 0, perAccountPerHour: 1000, perNumberPerDay: 1000, perIpPerHour: 1000, globalPerHour: 1000 }, () => {}),
      guard: createFactorGuard(counters, { lockAfterFailures: 100, maxFailures: 1000 }),
      transient,
      secrets: ['a test secret for the code hashes, long enough'],
      clock,
      log: silentLogger,
      codeTtlSeconds: 600,
      appName: 'Test',
      host: 'idp.test',
    });
  }

  const lastCode = () => /^(\d{6}) is your/.exec(sent.at(-1)!.body)![1]!;
  let serial = 0;
  const uid = () => `interaction-${(serial += 1)}`;

  test("a code sent for A is refused for B in the same interaction, under either scope, and stays usable by A", async () => {
    const codes = smsCodes();
    const interaction = uid();
    const scopeA = subjectScope(interaction, { accountId: 'account-a' });
    const scopeB = subjectScope(interaction, { accountId: 'account-b' });
    expect(scopeA).not.toBe(scopeB);
    expect(await codes.send({ purpose: 'sign-in', scope: scopeA, accountId: 'account-a', phone: '+447400100001', ip: '192.0.2.1' })).toBeUndefined();
    const code = lastCode();

    expect(await codes.check({ scope: scopeB, accountId: 'account-b', phone: '+447400100001', code })).toBe(false);
    // Even a caller that named A's scope with B as the account (a wrong subject) is refused.
    expect(await codes.check({ scope: scopeA, accountId: 'account-b', phone: '+447400100001', code })).toBe(false);
    expect(await codes.pending(scopeB)).toBeUndefined();

    expect(await codes.check({ scope: scopeA, accountId: 'account-a', phone: '+447400100001', code })).toBe(true);
    expect(await codes.check({ scope: scopeA, accountId: 'account-a', phone: '+447400100001', code })).toBe(false);
  });

  test('a code is refused when checked against another number than the one it went to (a number changed meanwhile)', async () => {
    const codes = smsCodes();
    const scope = subjectScope(uid(), { accountId: 'account-c' });
    await codes.send({ purpose: 'sign-in', scope, accountId: 'account-c', phone: '+447400100002', ip: '192.0.2.1' });
    const code = lastCode();
    expect(await codes.check({ scope, accountId: 'account-c', phone: '+447400100003', code })).toBe(false);
    expect(await codes.check({ scope, accountId: 'account-c', phone: '+447400100002', code })).toBe(true);
  });
});
