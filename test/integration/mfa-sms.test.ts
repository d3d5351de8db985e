import { ACR, AMR } from '../../src/oidc/acr.ts';
import type { Config } from '../../src/hosted/config/schema.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { openSecurityPage, textOf } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { latestCode, readOutbox } from '../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { testConfig } from '../helpers/test-config.ts';
import { phoneOf } from '../helpers/mfa-records.ts';

const PASSWORD = 'a password for sms tests';
let phoneSerial = 0;
/** Valid UK mobile numbers for the outbox: nothing is ever really sent in these tests. */
const nextPhone = () => `+447400${String(100_000 + (phoneSerial += 1))}`;

describe.each(STORE_KINDS)('MFA by text message (development outbox) on %s', (kind) => {
  let outbox: string;
  let n = 0;
  const { idp, clock, store } = useIdpWorld(kind, {
    config: () => {
      const base = testConfig();
      const sms: Config['sms'] = { ...base.sms, allowedCountries: ['GB', 'US'], perAccountPerHour: 5, perNumberPerDay: 10, perIpPerHour: 1000 };
      // The fake clock runs ahead of oidc-provider's real one here; re-authentication age is not under test.
      const mfa = { ...base.mfa, reauthWithinSeconds: 3600 };
      outbox = sms.outboxFile!;
      return { dataDir: base.dataDir, sms, mfa };
    },
  });

  /** A new account, signed in on the Security page, at "Set up → Use text message". */
  async function atPhoneForm() {
    const email = `texter${(n += 1)}@example.com`;
    await idp.directory.add({ email, password: PASSWORD });
    const session = new HttpSession();
    await openSecurityPage(session, idp.issuer, { email, password: PASSWORD });
    const choose = await session.get(`${idp.issuer}/account/security/setup`);
    expect(choose.text).toContain('Use text message');
    const phonePage = await session.follow(await session.postForm(`${idp.issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'sms' }), idp.issuer);
    expect(phonePage.text).toContain('autocomplete="tel"');
    return { email, session, phonePage };
  }

  async function enrolBySms(phone = nextPhone()) {
    const { email, session, phonePage } = await atPhoneForm();
    const codePage = await session.submitForm(`${idp.issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone });
    expect(codePage.status).toBe(200);
    const done = await session.submitForm(`${idp.issuer}/account/security/setup/sms/verify`, { csrf: hiddenField(codePage.text, 'csrf'), code: latestCode(outbox, phone) });
    expect(done.status).toBe(200);
    clock.advance(31_000); // past the resend cooldown, so the sign-in below may text again
    return { email, phone, session, backupCode: textOf(done.text, 'backup-code'), phonePage, codePage };
  }

  async function toSmsChallenge(email: string, session = new HttpSession()) {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const authorization = await buildAuthorization(client);
    const page = await openAuthorization(session, idp.issuer, authorization);
    const challenge = await submitPassword(session, idp.issuer, page, email, PASSWORD);
    return { client, authorization, session, challenge };
  }

  const submitSms = async (session: HttpSession, page: HttpResponse, code: string) =>
    session.follow(await session.postForm(formAction(page.text, '/sms', idp.issuer), { csrf: hiddenField(page.text, 'csrf'), code }), idp.issuer);
  const resend = (session: HttpSession, page: HttpResponse) =>
    session.submitForm(formAction(page.text, '/sms/send', idp.issuer), { csrf: hiddenField(page.text, 'csrf') });

  test('enrol by text message, then sign in with the texted code: amr sms, acr mfa', async () => {
    const { email, phone, session } = await enrolBySms();
    const security = await session.get(`${idp.issuer}/account/security`);
    expect(security.text).toContain(`Text message to +44\u00a0•••\u00a0•••\u00a0${phone.slice(-4)}`);

    const { client, authorization, session: browser, challenge } = await toSmsChallenge(email);
    expect(challenge.status).toBe(200);
    expect(challenge.text).toContain(`+44\u00a0•••\u00a0•••\u00a0${phone.slice(-4)}`);
    expect(challenge.text).not.toContain(phone);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    const callback = await submitSms(browser, challenge, latestCode(outbox, phone));
    expect(isCallback(callback)).toBe(true);
    const claims = (await redeemCode(client, callback, authorization)).claims()!;
    expect(claims.amr).toEqual([...AMR.sms]);
    expect(claims.acr).toBe(ACR.mfa);
  });

  test('resend: a cooldown first, said as a wait and not an error; then a new code replaces the old one, and the old one is refused', async () => {
    const { email, phone } = await enrolBySms();
    const { session, challenge } = await toSmsChallenge(email);
    const first = latestCode(outbox, phone);
    // Resend is disabled for the cooldown, with the time in words.
    expect(challenge.text).toMatch(/<button class="link" type="submit" disabled data-enable-after="30"[^>]*>Resend code<\/button>/);
    expect(challenge.text).toContain('You can ask for a new code <span data-countdown="30">in 30 seconds</span>');
    // Pressed anyway (a page from before, a crafted post): nothing sent, and the page says the code sent still works.
    const sent = readOutbox(outbox).length;
    clock.advance(10_000);
    const tooSoon = await resend(session, challenge);
    expect(tooSoon.status).toBe(200);
    expect(tooSoon.text).toContain('data-state="earlier"');
    expect(tooSoon.text).toContain('earlier in this sign-in. It still works for 10 minutes.');
    expect(tooSoon.text).toContain('<span data-countdown="20">in 20 seconds</span>');
    expect(tooSoon.text).not.toContain('role="alert"');
    expect(readOutbox(outbox)).toHaveLength(sent);
    clock.advance(21_000);
    const resent = await resend(session, challenge);
    expect(resent.status).toBe(200);
    expect(resent.text).toContain('data-state="sent"');
    const second = latestCode(outbox, phone);
    expect(second).not.toBe(first);
    const old = await submitSms(session, resent, first);
    expect(old.text).toContain('data-code="CODE_INVALID"');
    expect(isCallback(await submitSms(session, old, second))).toBe(true);
  });

  test('an expired code, a wrong code, and a code texted for another sign-in are refused', async () => {
    const { email, phone } = await enrolBySms();
    const a = await toSmsChallenge(email);
    const codeA = latestCode(outbox, phone);
    clock.advance(31_000);
    const b = await toSmsChallenge(email);
    const codeB = latestCode(outbox, phone);
    expect((await submitSms(b.session, b.challenge, codeA)).text).toContain('data-code="CODE_INVALID"');
    expect((await submitSms(b.session, b.challenge, '000000')).text).toContain('data-code="CODE_INVALID"');
    clock.advance(11 * 60_000);
    const expired = await submitSms(b.session, b.challenge, codeB);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('data-code="CODE_INVALID"');
    expect(isCallback(expired)).toBe(false);
    void a;
  });

  test('a number that is not mobile, not allowed, or not a number is refused and nothing is stored', async () => {
    const { session, phonePage, email } = await atPhoneForm();
    const account = (await idp.directory.findByEmail(email))!;
    const before = await store.mfa.get(account.id);
    const sent = readOutbox(outbox).length;
    for (const [phone, code] of [['+44 20 7946 0018', 'PHONE_NOT_MOBILE'], ['+33 6 12 34 56 78', 'PHONE_COUNTRY_NOT_ALLOWED'], ['call me maybe', 'PHONE_INVALID']]) {
      const page = await session.submitForm(`${idp.issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone: phone! });
      expect(page.status).toBe(400);
      expect(page.text).toContain(`data-code="${code}"`);
    }
    expect(readOutbox(outbox).length).toBe(sent);
    expect(await store.mfa.get(account.id)).toEqual(before);
  });

  test('a second number typed during the cooldown is refused; the code only ever enrols the number it went to', async () => {
    const { session, phonePage, email } = await atPhoneForm();
    const a = nextPhone();
    const b = nextPhone();
    const codePage = await session.submitForm(`${idp.issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone: a });
    expect(codePage.status).toBe(200);
    const refused = await session.submitForm(`${idp.issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone: b });
    expect(refused.status).toBe(429);
    expect(readOutbox(outbox).filter((m) => m.to === b)).toHaveLength(0);
    await session.submitForm(`${idp.issuer}/account/security/setup/sms/verify`, { csrf: hiddenField(codePage.text, 'csrf'), code: latestCode(outbox, a) });
    const account = (await idp.directory.findByEmail(email))!;
    expect(phoneOf(await store.mfa.get(account.id))?.phone).toBe(a);
    clock.advance(31_000);
  });

  test('per-account cap: past 5 texts an hour the account gets no more, and the backup code still works', async () => {
    const { email, phone, backupCode } = await enrolBySms();
    const { session, challenge } = await toSmsChallenge(email); // text 2 of the hour (1 was the setup)
    let page = challenge;
    for (let i = 0; i < 3; i += 1) {
      clock.advance(31_000);
      page = await resend(session, page);
      expect(page.status).toBe(200);
    }
    const sent = readOutbox(outbox).filter((m) => m.to === phone).length;
    clock.advance(31_000);
    const capped = await resend(session, page);
    expect(capped.status).toBe(429);
    expect(capped.text).toContain('data-code="SMS_ACCOUNT_CAP"');
    expect(readOutbox(outbox).filter((m) => m.to === phone).length).toBe(sent);
    const formPage = await session.get(new URL(/href="([^"]*\/backup-code)"/.exec(capped.text)![1]!, idp.issuer).href);
    const used = await session.submitForm(formAction(formPage.text, '/backup-code', idp.issuer), { csrf: hiddenField(formPage.text, 'csrf'), code: backupCode });
    expect(used.text).toContain('id="backup-code"');
  });
});
