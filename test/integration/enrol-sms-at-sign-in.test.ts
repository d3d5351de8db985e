import { ACR, AMR } from '../../src/oidc/acr.ts';
import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import { ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, nextPhone, plainAccount } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { phoneOf } from '../helpers/mfa-records.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { latestCode, readOutbox } from '../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';

/**
 * Enrolment during sign-in offers every method that can be set up there (issue 10): the app,
 * and text messages. The number waiting for its code and the code itself are bound to the
 * interaction and the account, like every other item of an unfinished sign-in.
 */
describe.each(STORE_KINDS)('setting up text messages during a require_mfa sign-in on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, config: () => abuseConfig(), clients: ABUSE_CLIENTS, log });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const outbox = () => w.idp.config.sms.outboxFile!;

  async function atEnrolment(email: string, session = new HttpSession()) {
    const client = await discoverClient(w.idp.issuer, 'strict-app');
    const authorization = await buildAuthorization(client);
    const login = await openAuthorization(session, w.idp.issuer, authorization);
    const enrol = await submitPassword(session, w.idp.issuer, login, email, ABUSE_PASSWORD);
    expect(enrol.text).toContain('id="totp-key"');
    return { session, enrol, uid: uidOf(enrol.url), client, authorization };
  }

  /** "Use text message instead" → the number → Send code: the page asking for the code. */
  async function sendTo(flow: { session: HttpSession; enrol: HttpResponse }, phone: string): Promise<HttpResponse> {
    const href = /id="enrol-sms" href="([^"]+)"/.exec(flow.enrol.text)![1]!;
    const phonePage = await flow.session.get(new URL(href, w.idp.issuer).href);
    expect(phonePage.text).toContain('autocomplete="tel"');
    return flow.session.submitForm(formAction(phonePage.text, '/enrol/sms', w.idp.issuer), { csrf: hiddenField(phonePage.text, 'csrf'), phone });
  }

  test('password → "Use text message instead" → number → code → new backup code → the app; the token says the factor was set up at sign-in', async () => {
    const account = await plainAccount(w, 'enrol-sms');
    const phone = nextPhone();
    const flow = await atEnrolment(account.email);
    const codePage = await sendTo(flow, phone);
    expect(codePage.text).toContain('Enter the code we texted you');
    const saved = await flow.session.submitForm(formAction(codePage.text, '/enrol/sms/verify', w.idp.issuer), { csrf: hiddenField(codePage.text, 'csrf'), code: latestCode(outbox(), phone) });
    expect(saved.text).toContain('id="backup-code"');
    const done = await flow.session.follow(await flow.session.submitForm(formAction(saved.text, '/continue', w.idp.issuer), { csrf: hiddenField(saved.text, 'csrf') }), w.idp.issuer);
    expect(isCallback(done)).toBe(true);
    const claims = (await redeemCode(flow.client, done, flow.authorization)).claims()!;
    expect(claims.acr).toBe(ACR.mfaSetUpAtSignIn);
    expect(claims.amr).toEqual([...AMR.sms]);

    const method = phoneOf(await w.store.mfa.get(account.id));
    expect(method).toMatchObject({ phone, isDefault: true, setUp: { how: 'sign-in' } });
    const enrolled = log.lines.filter((line) => line.event === 'mfa.enrolled' && line.fields.accountId === account.id);
    expect(enrolled.map((line) => line.fields.details)).toEqual([{ method: 'sms', during: 'sign-in' }]);
  });

  test('a wrong or missing number is a clear 400, nothing sent; a country outside the allow-list is refused', async () => {
    const account = await plainAccount(w, 'enrol-bad');
    const flow = await atEnrolment(account.email);
    const before = readOutbox(outbox()).length;
    expectRefused(await sendTo(flow, 'not a number'), 'PHONE_INVALID');
    expectRefused(await sendTo(flow, '+44 20 7946 0000'), 'PHONE_NOT_MOBILE');
    expect(readOutbox(outbox())).toHaveLength(before);
    expect((await w.store.mfa.get(account.id))?.credentials ?? []).toEqual([]);
  });

  test("the code sent in one account's enrolment never enrols another account, in the same browser's other tab", async () => {
    const first = await plainAccount(w, 'enrol-a');
    const second = await plainAccount(w, 'enrol-b');
    const browser = new HttpSession();
    const tabA = await atEnrolment(first.email, browser);
    const phone = nextPhone();
    await sendTo(tabA, phone);
    const tabB = await atEnrolment(second.email, browser);
    const codePageB = await sendTo(tabB, nextPhone());
    const answer = await browser.submitForm(formAction(codePageB.text, '/enrol/sms/verify', w.idp.issuer), { csrf: hiddenField(codePageB.text, 'csrf'), code: latestCode(outbox(), phone) });
    expectRefused(answer, 'CODE_INVALID');
    expect((await w.store.mfa.get(second.id))?.credentials ?? []).toEqual([]);
    expect((await w.store.mfa.get(first.id))?.credentials ?? []).toEqual([]);
  });

  test('the enrolment routes refuse a subject that already has MFA, or an interaction past its password without one to set up', async () => {
    const account = await plainAccount(w, 'enrol-late');
    const flow = await atEnrolment(account.email);
    const codePage = await sendTo(flow, nextPhone());
    // Meanwhile the owner sets a method up elsewhere: this sign-in proves it, never adds another on the password alone.
    await w.store.mfa.addCredential(account.id, { id: 'owner-app', type: 'totp', setUp: null, sealedSecret: 'k1.x', lastAcceptedStep: 1, phone: null }, 'hash', clock());
    expectRefused(await flow.session.submitForm(formAction(codePage.text, '/enrol/sms/verify', w.idp.issuer), { csrf: hiddenField(codePage.text, 'csrf'), code: '000000' }), 'WRONG_STEP');
    expect((await w.store.mfa.get(account.id))?.credentials.map((method) => method.id)).toEqual(['owner-app']);
  });
});
