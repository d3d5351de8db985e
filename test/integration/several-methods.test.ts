import { AMR } from '../../src/oidc/acr.ts';
import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import { ABUSE_PASSWORD, abuseConfig, signedInConsole, STEP_MS, totpAccount, twoMethodAccount } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { codeFor, submitCode } from '../helpers/mfa-flow.ts';
import { appOf, phoneOf } from '../helpers/mfa-records.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { latestCode, readOutbox } from '../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';

/**
 * Several methods per account (issue 10): an app and a phone; the default asked first, "Try
 * another way" for the others; Make default and Remove on the Security page; removing the last is
 * turning MFA off. The method picked is kept per interaction and account, like every other
 * piece of an unfinished sign-in.
 */
describe.each(STORE_KINDS)('several methods per account on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, config: () => abuseConfig(), log });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const outbox = () => w.idp.config.sms.outboxFile!;

  async function afterPasswordFor(email: string, session = new HttpSession()) {
    const client = await discoverClient(w.idp.issuer, 'first-party-app');
    const authorization = await buildAuthorization(client);
    const login = await openAuthorization(session, w.idp.issuer, authorization);
    const page = await submitPassword(session, w.idp.issuer, login, email, ABUSE_PASSWORD);
    const amrOf = async (callback: HttpResponse) => {
      expect(isCallback(callback)).toBe(true);
      return (await redeemCode(client, callback, authorization)).claims()!.amr;
    };
    return { session, page, uid: uidOf(page.url), amrOf };
  }

  /** "Try another way" → the button of the method whose label contains `label`. */
  async function switchTo(flow: { session: HttpSession; uid: string }, label: RegExp): Promise<HttpResponse> {
    const ways = await flow.session.get(`${w.idp.issuer}/interaction/${flow.uid}/other-ways`);
    expect(ways.status).toBe(200);
    const forms = [...ways.text.matchAll(/name="method" value="([^"]+)">\s*<button[^>]*>([^<]+)</g)];
    const picked = forms.find((form) => label.test(form[2]!));
    if (!picked) throw new Error(`no method like ${label} among: ${forms.map((form) => form[2]).join(', ')}`);
    const answer = await flow.session.postForm(formAction(ways.text, '/other-ways', w.idp.issuer), { csrf: hiddenField(ways.text, 'csrf'), method: picked[1]! });
    return flow.session.follow(answer, w.idp.issuer);
  }

  test('an account with an app and a phone signs in with either: the default first, the other through "Try another way"', async () => {
    const account = await twoMethodAccount(w);
    const withApp = await afterPasswordFor(account.email);
    expect(withApp.page.text).toContain('autocomplete="one-time-code"');
    expect(withApp.page.text).toContain('id="other-ways"');
    clock.advance(STEP_MS);
    expect(await withApp.amrOf(await submitCode(withApp.session, w.idp.issuer, withApp.page, codeFor(account.key, clock)))).toEqual([...AMR.totp]);

    const textsBefore = readOutbox(outbox()).filter((message) => message.to === account.phone).length;
    const withPhone = await afterPasswordFor(account.email);
    // Nothing is texted until the phone is asked for.
    expect(readOutbox(outbox()).filter((message) => message.to === account.phone)).toHaveLength(textsBefore);
    const smsPage = await switchTo(withPhone, /Text message/);
    expect(smsPage.text).toContain('Enter the code we texted you');
    const done = await withPhone.session.follow(await withPhone.session.postForm(formAction(smsPage.text, '/sms', w.idp.issuer), {
      csrf: hiddenField(smsPage.text, 'csrf'), code: latestCode(outbox(), account.phone),
    }), w.idp.issuer);
    expect(await withPhone.amrOf(done)).toEqual([...AMR.sms]);
    expect(phoneOf(await w.store.mfa.get(account.id))?.lastUsedAt).toEqual(expect.any(Number));
  });

  test('the method picked is this sign-in\'s only: another tab of the same browser still asks for the default', async () => {
    const account = await twoMethodAccount(w);
    const browser = new HttpSession();
    const tabA = await afterPasswordFor(account.email, browser);
    await switchTo(tabA, /Text message/);
    const tabB = await afterPasswordFor(account.email, browser);
    expect(tabB.uid).not.toBe(tabA.uid);
    expect(tabB.page.text).toContain('Enter your code');
    expect(tabB.page.text).not.toContain('we texted you');
    // And the phone's route of tab B refuses: this sign-in did not ask for the phone.
    expectRefused(await browser.postForm(`${w.idp.issuer}/interaction/${tabB.uid}/sms`, { csrf: hiddenField(tabB.page.text, 'csrf'), code: '123456' }), 'WRONG_STEP');
  });

  test("\"Try another way\" refuses another account's method and changes nothing", async () => {
    const account = await twoMethodAccount(w);
    const other = await twoMethodAccount(w, 'other');
    const flow = await afterPasswordFor(account.email);
    const ways = await flow.session.get(`${w.idp.issuer}/interaction/${flow.uid}/other-ways`);
    const foreign = phoneOf(await w.store.mfa.get(other.id))!.id;
    expectRefused(await flow.session.postForm(formAction(ways.text, '/other-ways', w.idp.issuer), { csrf: hiddenField(ways.text, 'csrf'), method: foreign }), 'METHOD_NOT_FOUND');
    expect((await flow.session.get(`${w.idp.issuer}/interaction/${flow.uid}`)).text).toContain('Enter your code');
  });

  test('Make default and Remove on the Security page; a removed app no longer signs in, the phone does; the last method leads to Turn off', async () => {
    const account = await twoMethodAccount(w);
    const console = await signedInConsole(w, account);
    const record = await w.store.mfa.get(account.id);
    const security = await console.get(`${w.idp.issuer}/account/security`);
    expect(security.text).toContain('Authenticator app');
    expect(security.text).toContain('Text message to');
    const csrf = hiddenField(security.text, 'csrf');

    const madeDefault = await console.postForm(`${w.idp.issuer}/account/security/methods/default`, { csrf, method: phoneOf(record)!.id });
    expect(madeDefault.status).toBe(303);
    const phoneFirst = await afterPasswordFor(account.email);
    expect(phoneFirst.page.text).toContain('Enter the code we texted you');

    const removed = await console.postForm(`${w.idp.issuer}/account/security/methods/remove`, { csrf, method: appOf(record)!.id });
    expect(removed.status).toBe(303);
    const after = await w.store.mfa.get(account.id);
    expect(appOf(after)).toBeNull();
    expect(after?.epoch).toBeGreaterThan(record!.epoch);

    const noApp = await afterPasswordFor(account.email);
    clock.advance(STEP_MS);
    expectRefused(await noApp.session.postForm(`${w.idp.issuer}/interaction/${noApp.uid}/totp`, { csrf: hiddenField(noApp.page.text, 'csrf'), code: codeFor(account.key, clock) }), 'WRONG_STEP');

    // Both changes are audited (DESIGN.md: sensitive changes are audited), naming the method, never its number.
    const audited = log.lines.filter((line) => line.fields.accountId === account.id && line.event.startsWith('mfa.method.'));
    expect(audited.map((line) => line.event)).toEqual(['mfa.method.default', 'mfa.method.removed']);
    expect(JSON.stringify(audited)).not.toContain(account.phone);

    const last = await console.postForm(`${w.idp.issuer}/account/security/methods/remove`, { csrf, method: phoneOf(after)!.id });
    expect(last.status).toBe(303);
    expect(last.location).toBe(`${w.idp.issuer}/account/security/turn-off`);
    expect(phoneOf(await w.store.mfa.get(account.id))).toBeTruthy();
  });

  test("removing a method that is not the account's is a 404 and changes nothing", async () => {
    const account = await totpAccount(w);
    const other = await totpAccount(w, 'other');
    const console = await signedInConsole(w, account);
    const csrf = hiddenField((await console.get(`${w.idp.issuer}/account/security`)).text, 'csrf');
    const before = await w.store.mfa.get(other.id);
    expectRefused(await console.postForm(`${w.idp.issuer}/account/security/methods/remove`, { csrf, method: appOf(before)!.id }), 'METHOD_NOT_FOUND');
    expectRefused(await console.postForm(`${w.idp.issuer}/account/security/methods/default`, { csrf, method: appOf(before)!.id }), 'METHOD_NOT_FOUND');
    expect(await w.store.mfa.get(other.id)).toEqual(before);
  });
});
