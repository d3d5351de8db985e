import { recordingLogger, uidOf } from '../helpers/abuse.ts';
import { abuseConfig, afterPassword, smsAccount } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { isCallback } from '../helpers/oidc-flow.ts';
import { latestCode, readOutbox } from '../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

/**
 * Issue 13 §2: within the 30 s between texts (a second tab, a retry) the page used to say "We sent
 * a code" and, in red, "A code was sent moments ago" — with nothing sent for this sign-in. Now
 * the page says what happened (a code of this sign-in that still works, or none sent for it yet),
 * and Resend is disabled with the time left in words until it works.
 */
describe.each(STORE_KINDS)('what the text-message page says around the resend cooldown on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, log, config: () => abuseConfig() });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const outbox = () => w.idp.config.sms.outboxFile!;
  const texts = (phone: string) => readOutbox(outbox()).filter((message) => message.to === phone).length;
  const stateOf = (page: HttpResponse) => /id="code-status" data-state="([^"]+)"/.exec(page.text)?.[1];
  const resendButton = (page: HttpResponse) => /<form class="secondary" id="resend"[^>]*>.*?(<button[^>]*>[^<]*<\/button>)/.exec(page.text)?.[1];

  test('a second tab within 30 s: nothing sent for this sign-in, said plainly and not as an error, Send disabled with the time left; then it sends', async () => {
    const account = await smsAccount(w, 'two-tabs');
    const browser = new HttpSession();
    const first = await afterPassword(w, account.email, 'first-party-app', browser);
    expect(stateOf(first.page)).toBe('sent');
    const codeOfFirst = latestCode(outbox(), account.phone);
    const sent = texts(account.phone);

    clock.advance(12_000);
    const second = await afterPassword(w, account.email, 'first-party-app', browser);
    expect(second.page.status).toBe(200);
    expect(texts(account.phone)).toBe(sent);
    expect(stateOf(second.page)).toBe('cooldown');
    expect(second.page.text).toContain('<h1>Get a code by text message</h1>');
    expect(second.page.text).toContain('We have not sent a code for this sign-in yet. A text went to <strong>+44\u00a0•••\u00a0•••\u00a0');
    expect(second.page.text).not.toContain('We sent a 6-digit code');
    expect(second.page.text).not.toContain('role="alert"');
    expect(second.page.text).not.toContain('SMS_COOLDOWN');
    // No code form (there is no code for this sign-in to type), and Send waits, with the time in words.
    expect(second.page.text).not.toContain('autocomplete="one-time-code"');
    expect(resendButton(second.page)).toBe('<button class="primary" type="submit" disabled data-enable-after="18" aria-describedby="resend-wait">Send code</button>');
    expect(second.page.text).toContain('You can ask for a code <span data-countdown="18">in 18 seconds</span>.');

    // A refresh repeats nothing and says the same, with less time left.
    clock.advance(8_000);
    const refreshed = await browser.get(second.page.url);
    expect(texts(account.phone)).toBe(sent);
    expect(stateOf(refreshed)).toBe('cooldown');
    expect(refreshed.text).toContain('<span data-countdown="10">in 10 seconds</span>');

    // The wait is over: Send (enabled by the page's script, or the page reloaded) texts a code for this sign-in, and the page says so.
    clock.advance(11_000);
    const sentNow = await browser.submitForm(formAction(refreshed.text, '/sms/send', w.idp.issuer), { csrf: hiddenField(refreshed.text, 'csrf') });
    expect(texts(account.phone)).toBe(sent + 1);
    expect(stateOf(sentNow)).toBe('sent');
    expect(resendButton(sentNow)).toContain('disabled data-enable-after="30"');
    // The first tab's code is the first tab's: it does not finish the second sign-in.
    const withFirstCode = await browser.submitForm(formAction(sentNow.text, '/sms', w.idp.issuer), { csrf: hiddenField(sentNow.text, 'csrf'), code: codeOfFirst });
    expect(withFirstCode.text).toContain('data-code="CODE_INVALID"');
    expect(isCallback(await browser.submitForm(formAction(sentNow.text, '/sms', w.idp.issuer), { csrf: hiddenField(sentNow.text, 'csrf'), code: latestCode(outbox(), account.phone) }))).toBe(true);
  });

  test('without the script, reloading once the wait is over sends the code for this sign-in (the page\'s own advice)', async () => {
    const account = await smsAccount(w, 'reload');
    const browser = new HttpSession();
    await afterPassword(w, account.email, 'first-party-app', browser);
    const sent = texts(account.phone);
    const second = await afterPassword(w, account.email, 'first-party-app', browser);
    expect(second.page.text).toContain('<noscript> Reload this page then.</noscript>');
    clock.advance(31_000);
    const reloaded = await browser.get(second.page.url);
    expect(texts(account.phone)).toBe(sent + 1);
    expect(stateOf(reloaded)).toBe('sent');
  });

  test('a refresh while this sign-in\'s code still works: nothing sent again; the page says the code was sent earlier and for how long it works', async () => {
    const account = await smsAccount(w, 'refresh');
    const { session, page } = await afterPassword(w, account.email);
    const sent = texts(account.phone);
    clock.advance(4 * 60_000 + 5_000);
    const again = await session.get(page.url);
    expect(texts(account.phone)).toBe(sent);
    expect(stateOf(again)).toBe('earlier');
    expect(again.text).toContain('earlier in this sign-in. It still works for 6 minutes.');
    // Past the cooldown, Resend is ready.
    expect(resendButton(again)).toBe('<button class="link" type="submit">Resend code</button>');
    expect(isCallback(await session.submitForm(formAction(again.text, '/sms', w.idp.issuer), { csrf: hiddenField(again.text, 'csrf'), code: latestCode(outbox(), account.phone) }))).toBe(true);
  });

  test('Resend pressed during the cooldown: nothing sent, no error; the code already sent still works, and the page says when Resend will', async () => {
    const account = await smsAccount(w, 'early-resend');
    const { session, page } = await afterPassword(w, account.email);
    const sent = texts(account.phone);
    clock.advance(5_000);
    const answer = await session.postForm(`${w.idp.issuer}/interaction/${uidOf(page.url)}/sms/send`, { csrf: hiddenField(page.text, 'csrf') });
    expect(answer.status).toBe(303);
    const shown = await session.follow(answer, w.idp.issuer);
    expect(texts(account.phone)).toBe(sent);
    expect(shown.status).toBe(200);
    expect(stateOf(shown)).toBe('earlier');
    expect(shown.text).not.toContain('role="alert"');
    expect(shown.text).toContain('You can ask for a new code <span data-countdown="25">in 25 seconds</span>.');
  });

  test("one account's cooldown is its own: another account texted at the same moment gets its code", async () => {
    const a = await smsAccount(w, 'cool-a');
    const b = await smsAccount(w, 'cool-b');
    const browser = new HttpSession();
    expect(stateOf((await afterPassword(w, a.email, 'first-party-app', browser)).page)).toBe('sent');
    const other = await afterPassword(w, b.email, 'first-party-app', browser);
    expect(stateOf(other.page)).toBe('sent');
    expect(texts(b.phone)).toBeGreaterThan(0);
    expect(isCallback(await other.session.submitForm(formAction(other.page.text, '/sms', w.idp.issuer), { csrf: hiddenField(other.page.text, 'csrf'), code: latestCode(outbox(), b.phone) }))).toBe(true);
  });
});
