import type { Config } from '../../src/hosted/config/schema.ts';
import { createJsonLogger } from '../../src/log.ts';
import { AMR } from '../../src/oidc/acr.ts';
import { createFakeClock, type FakeClock } from '../helpers/fake-clock.ts';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { openSecurityPage } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { startIdp, type TestIdp } from '../helpers/start-idp.ts';
import { testConfig } from '../helpers/test-config.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/test-stores.ts';
import { addPhone } from '../helpers/mfa-records.ts';

const PASSWORD = 'a password for twilio tests';
const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'test-auth-token-0123456789';
const FROM = '+15005550006';
const VERIFY_SID = `VA${'b2'.repeat(16)}`;
let serial = 0;
const nextPhone = () => `+447400${String(200_000 + (serial += 1))}`;

type Mode = 'twilio' | 'twilio-verify';

describe.each(STORE_KINDS.flatMap((kind) => (['twilio', 'twilio-verify'] as Mode[]).map((mode) => [kind, mode] as const)))('SMS through the real twilio SDK (%s store, %s)', (kind, mode) => {
  let fake: FakeTwilio;
  let testStore: TestStore;
  let idp: TestIdp;
  let clock: FakeClock;
  const logs: Record<string, unknown>[] = [];
  let n = 0;

  beforeAll(async () => {
    fake = await startFakeTwilio();
    clock = createFakeClock(Date.now());
    testStore = await openTestStore(kind, clock);
    const base = testConfig();
    const sms: Config['sms'] = {
      ...base.sms,
      provider: mode,
      perAccountPerHour: 10,
      perNumberPerDay: 4,
      perIpPerHour: 1000,
      globalPerHour: 1000,
      twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: mode === 'twilio' ? FROM : null, messagingServiceSid: null, verifyServiceSid: mode === 'twilio-verify' ? VERIFY_SID : null },
    };
    const log = createJsonLogger((line) => logs.push(JSON.parse(line) as Record<string, unknown>));
    idp = await startIdp({ store: testStore.store, clock, smsHttpClient: fake.httpClient, log, config: { sms, mfa: { ...base.mfa, reauthWithinSeconds: 3600 } } });
  });

  afterAll(async () => {
    await idp.close();
    await testStore.dispose();
    await fake.close();
  });

  /** The code the person's phone received: from the message body, or Twilio Verify's own. */
  function codeSentTo(phone: string): string {
    if (mode === 'twilio-verify') return fake.lastVerifyCode(phone)!;
    const message = fake.requests.filter((r) => r.path.endsWith('/Messages.json') && r.form.To === phone).at(-1);
    return /^(\d{6}) is your/.exec(message!.form.Body!)![1]!;
  }

  async function enrolled() {
    const email = `twilio${(n += 1)}@example.com`;
    const phone = nextPhone();
    await idp.directory.add({ email, password: PASSWORD });
    const session = new HttpSession();
    await openSecurityPage(session, idp.issuer, { email, password: PASSWORD });
    const choose = await session.get(`${idp.issuer}/account/security/setup`);
    const phonePage = await session.follow(await session.submitForm(`${idp.issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'sms' }), idp.issuer);
    const codePage = await session.submitForm(`${idp.issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone });
    const done = await session.submitForm(`${idp.issuer}/account/security/setup/sms/verify`, { csrf: hiddenField(codePage.text, 'csrf'), code: codeSentTo(phone) });
    expect(done.text).toContain('id="backup-code"');
    clock.advance(31_000);
    return { email, phone };
  }

  async function challenge(email: string) {
    const session = new HttpSession();
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const authorization = await buildAuthorization(client);
    const page = await submitPassword(session, idp.issuer, await openAuthorization(session, idp.issuer, authorization), email, PASSWORD);
    return { session, client, authorization, page };
  }

  const submit = async (session: HttpSession, page: HttpResponse, code: string) =>
    session.follow(await session.submitForm(formAction(page.text, '/sms', idp.issuer), { csrf: hiddenField(page.text, 'csrf'), code }), idp.issuer);
  const resend = (session: HttpSession, page: HttpResponse) =>
    session.submitForm(formAction(page.text, '/sms/send', idp.issuer), { csrf: hiddenField(page.text, 'csrf') });

  test('the SDK calls the right endpoint with the account credentials, and the code signs in', async () => {
    const { email, phone } = await enrolled();
    const before = fake.requests.length;
    const { session, client, authorization, page } = await challenge(email);
    const request = fake.requests[before]!;
    expect(request.method).toBe('POST');
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    if (mode === 'twilio') {
      expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
      expect(request.form).toMatchObject({ To: phone, From: FROM });
      expect(request.form.Body).toMatch(/^\d{6} is your 127\.0\.0\.1:\d+ code\. It expires in 10 minutes\. Don't share it\.\n\n@127\.0\.0\.1:\d+ #\d{6}$/);
    } else {
      expect(request.path).toBe(`/v2/Services/${VERIFY_SID}/Verifications`);
      expect(request.form).toEqual({ To: phone, Channel: 'sms' });
    }
    const callback = await submit(session, page, codeSentTo(phone));
    expect(isCallback(callback)).toBe(true);
    expect((await redeemCode(client, callback, authorization)).claims()?.amr).toEqual([...AMR.sms]);
    if (mode === 'twilio-verify') expect(fake.requests.at(-1)!.path).toBe(`/v2/Services/${VERIFY_SID}/VerificationCheck`);
  });

  test.each([
    [400, 21211, 'Invalid To Phone Number'],
    [429, 20429, 'Too Many Requests'],
    [500, 20500, 'Internal Server Error'],
  ])('Twilio answering %i (%i): a clear page with a retry, the error code logged, nothing changed', async (status, code, message) => {
    const { email, phone } = await enrolled();
    const first = await challenge(email);
    const working = codeSentTo(phone);
    clock.advance(31_000);
    fake.failNext(status, code, message);
    const failed = await resend(first.session, first.page);
    expect(failed.status).toBe(503);
    expect(failed.text).toContain('data-code="SMS_SEND_FAILED"');
    expect(failed.text).toContain('Resend code');
    expect(failed.text).toContain('Use backup code');
    expect(failed.text).not.toMatch(/at \w+ \(|node_modules|AC[0-9a-f]{32}/);
    expect(logs.filter((l) => l.event === 'sms.send.failed').at(-1)).toMatchObject({ providerCode: code, status });
    expect(JSON.stringify(logs)).not.toContain(working);
    // The code sent before the failure still works: the failed send changed nothing.
    expect(isCallback(await submit(first.session, failed, working))).toBe(true);
  });

  test('past the per-number cap Twilio sees no request at all', async () => {
    // The setup text has its own budget (sms-budget.ts): sign-in texts have all four.
    const { email, phone } = await enrolled();
    let { session, page } = await challenge(email); // sign-in text 1 of the day to this number
    for (let i = 0; i < 3; i += 1) {
      clock.advance(31_000);
      page = await resend(session, page); // texts 2, 3, 4
      expect(page.status).toBe(200);
    }
    const seen = fake.requests.length;
    clock.advance(31_000);
    const capped = await resend(session, page);
    expect(capped.status).toBe(429);
    expect(capped.text).toContain('data-code="SMS_NUMBER_CAP"');
    expect(fake.requests.length).toBe(seen);
    void phone;
  });
});

describe('the global SMS budget trips a breaker', () => {
  test('past the hourly budget no text is sent, the page offers the backup code, and the log says why', async () => {
    const fake = await startFakeTwilio();
    const clock = createFakeClock(Date.now());
    const testStore = await openTestStore('sqlite', clock);
    const logs: Record<string, unknown>[] = [];
    const base = testConfig();
    const sms: Config['sms'] = {
      ...base.sms, provider: 'twilio', globalPerHour: 3,
      twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, messagingServiceSid: null, verifyServiceSid: null },
    };
    const idp = await startIdp({ store: testStore.store, clock, smsHttpClient: fake.httpClient, log: createJsonLogger((l) => logs.push(JSON.parse(l))), config: { sms } });
    try {
      // Three accounts enrolled straight in the store, each with its own number: only the global budget is shared.
      const accounts = [];
      for (let i = 0; i < 4; i += 1) {
        const account = await idp.directory.add({ email: `budget${i}@example.com`, password: PASSWORD });
        await addPhone(testStore.store.mfa, account.id, `+447400300${String(i).padStart(3, '0')}`, 'unused-hash', clock());
        accounts.push(account);
      }
      const client = await discoverClient(idp.issuer, 'first-party-app');
      const pages: HttpResponse[] = [];
      for (const account of accounts) {
        const session = new HttpSession();
        const login = await openAuthorization(session, idp.issuer, await buildAuthorization(client));
        pages.push(await submitPassword(session, idp.issuer, login, account.email, PASSWORD));
      }
      expect(fake.requests).toHaveLength(3);
      const refused = pages[3]!;
      expect(refused.status).toBe(503);
      expect(refused.text).toContain('data-code="SMS_UNAVAILABLE"');
      expect(refused.text).toContain('Use backup code');
      expect(logs.filter((l) => l.event === 'sms.breaker.open')).toHaveLength(1);
      expect(logs.find((l) => l.event === 'sms.breaker.open')).toMatchObject({ level: 'warn', audit: true, details: { budget: 3 } });
    } finally {
      await idp.close();
      await testStore.dispose();
      await fake.close();
    }
  });
});
