import { createJsonLogger } from '../../src/log.ts';
import type { AuditEvent } from '../../src/audit/audit.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession } from '../helpers/http-session.ts';
import { codeFor, enrolAuthenticator, openSecurityPage, reauthenticate, submitCode, useBackupCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, openAuthorization, submitPassword } from '../helpers/oidc-flow.ts';
import { startIdp } from '../helpers/start-idp.ts';
import { openTestStore } from '../helpers/test-stores.ts';
import { testConfig } from '../helpers/test-config.ts';

const EMAIL = 'audited@example.com';
const PASSWORD = 'a password that must never be logged';

test('each security event is logged once per action and carries no secret', async () => {
  const clock = createFakeClock(Date.now());
  const testStore = await openTestStore('sqlite', clock);
  const lines: string[] = [];
  const idp = await startIdp({
    store: testStore.store,
    clock,
    log: createJsonLogger((line) => lines.push(line)),
    config: { mfa: { ...testConfig().mfa, reauthWithinSeconds: 3600 } },
  });
  const secrets: string[] = [PASSWORD];
  const events = () => lines.map((line) => JSON.parse(line) as { event: string; audit?: boolean } & Partial<AuditEvent>).filter((l) => l.audit);
  const count = (name: string) => events().filter((e) => e.event === name).length;
  async function expectOnce(name: string, action: () => Promise<unknown>) {
    const before = count(name);
    await action();
    expect(count(name) - before).toBe(1);
  }

  try {
    const account = await idp.directory.add({ email: EMAIL, password: PASSWORD });
    const firefox = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' };
    const console = new HttpSession(firefox);
    await openSecurityPage(console, idp.issuer, { email: EMAIL, password: PASSWORD });
    let key = '';
    let backupCode = '';
    await expectOnce('mfa.enrolled', async () => ({ key, backupCode } = await enrolAuthenticator(console, idp.issuer, clock)));
    secrets.push(key, key.replace(/\s/g, ''), backupCode);

    const client = await discoverClient(idp.issuer, 'first-party-app');
    const challenge = async (browser = new HttpSession(firefox)) => {
      const page = await openAuthorization(browser, idp.issuer, await buildAuthorization(client));
      return { browser, page: await submitPassword(browser, idp.issuer, page, EMAIL, PASSWORD) };
    };

    const first = await challenge();
    await expectOnce('mfa.challenge.failed', () => submitCode(first.browser, idp.issuer, first.page, '000000'));
    clock.advance(30_000);
    const code = codeFor(key, clock);
    secrets.push(code);
    await expectOnce('mfa.device.trusted', () => expectOnce('mfa.challenge.passed', () => submitCode(first.browser, idp.issuer, first.page, code, { trust: '1' })));
    const token = [...first.browser.cookies.values()].find((c) => c.name === 'oidc-mfa-trusted')!.value;
    secrets.push(token);

    const second = await challenge();
    let newCode: string | undefined;
    await expectOnce('mfa.backup_code.used', async () => ({ newCode } = await useBackupCode(second.browser, idp.issuer, second.page, backupCode)));
    secrets.push(newCode!);

    const manage = await reauthenticate(console, idp.issuer, await console.get(`${idp.issuer}/account/security/backup-code`), { email: EMAIL, password: PASSWORD, key, clock });
    await expectOnce('mfa.backup_code.regenerated', async () => {
      const page = await console.submitForm(`${idp.issuer}/account/security/backup-code`, { csrf: hiddenField(manage.text, 'csrf') });
      secrets.push(/id="backup-code">([^<]*)</.exec(page.text)![1]!);
    });

    const devices = await console.get(`${idp.issuer}/account/security/devices`);
    await expectOnce('mfa.device.revoked', () => console.postForm(`${idp.issuer}/account/security/devices/revoke-all`, { csrf: hiddenField(devices.text, 'csrf') }));

    const third = await challenge();
    await expectOnce('mfa.locked', async () => {
      let page = third.page;
      for (let i = 0; i < 5; i += 1) page = await submitCode(third.browser, idp.issuer, page, '111111');
    });

    const offPage = await console.get(`${idp.issuer}/account/security/turn-off`);
    await expectOnce('mfa.disabled', () => console.postForm(formAction(offPage.text, '/turn-off', idp.issuer), { csrf: hiddenField(offPage.text, 'csrf') }));

    // Who, where and what: every event names the account; browser events the address and agent.
    for (const event of events()) expect(event.accountId).toBe(account.id);
    expect(events().find((e) => e.event === 'mfa.device.trusted')).toMatchObject({ ip: expect.any(String), clientId: 'first-party-app', details: { label: 'Firefox on Linux' } });
    const everything = lines.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  } finally {
    await idp.close();
    await testStore.dispose();
  }
});

test('the host hook receives every audit event, and a failing hook never breaks a sign-in', async () => {
  const { createAudit } = await import('../../src/audit/audit.ts');
  const received: AuditEvent[] = [];
  const warnings: string[] = [];
  const log = createJsonLogger((line) => warnings.push(line));
  const audit = createAudit(log, (event) => {
    received.push(event);
    if (event.event === 'mfa.reset') throw new Error('SIEM down');
  });
  audit({ event: 'mfa.enrolled', accountId: 'a' });
  audit({ event: 'mfa.reset', accountId: 'a', details: { reason: 'test' } });
  await new Promise((resolve) => setImmediate(resolve));
  expect(received.map((e) => e.event)).toEqual(['mfa.enrolled', 'mfa.reset']);
  expect(warnings.some((line) => line.includes('audit.sink.failed'))).toBe(true);
});
