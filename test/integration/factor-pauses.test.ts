import { createFactorGuard } from '../../src/guard/factor-guard.ts';
import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import { ABUSE_PASSWORD, abuseConfig, afterPassword, atLoginPage, smsAccount, STEP_MS, totpAccount, twoMethodAccount } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, type HttpResponse, type HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, submitCode } from '../helpers/mfa-flow.ts';
import { submitPassword } from '../helpers/oidc-flow.ts';
import { readOutbox } from '../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { providerResultOf } from '../helpers/interaction-result.ts';

/**
 * Issue 13 §1: a paused factor is told, not hidden behind "That code didn't work". Once the
 * password passed, the page says which codes are paused, until when (in words and as a time),
 * offers the account's other ways, asks for no code and texts nothing; the lock only an
 * operator lifts says to contact support. Nothing of it shows before the password, and one
 * account's pause never shows on (or blocks) another's sign-in.
 */
const LOCK_AFTER = 5;
const MAX_FAILURES = 10;
const SUPPORT_URL = 'https://support.example.com/mfa';

describe.each(STORE_KINDS)('paused and locked factors at sign-in on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, {
    clock,
    log,
    config: () => {
      const config = abuseConfig();
      return { ...config, mfa: { ...config.mfa!, lockAfterFailures: LOCK_AFTER, maxFailures: MAX_FAILURES, supportUrl: SUPPORT_URL } };
    },
  });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const guard = () => createFactorGuard(w.store.counters, { lockAfterFailures: LOCK_AFTER, maxFailures: MAX_FAILURES });
  const texts = (phone: string) => readOutbox(w.idp.config.sms.outboxFile!).filter((message) => message.to === phone).length;

  /** `times` wrong app codes, each in a sign-in of its own: what the last answer showed. */
  async function wrongAppCodes(account: { email: string }, times: number): Promise<HttpResponse> {
    let answer: HttpResponse | undefined;
    for (let i = 0; i < times; i += 1) {
      const { session, page } = await afterPassword(w, account.email);
      answer = await submitCode(session, w.idp.issuer, page, '000000');
    }
    return answer!;
  }

  /** What the paused page must say: the stable code, the time in words and as a time, no code form. */
  function expectPausedFor(page: HttpResponse, what: string, words: string) {
    expectRefused(page, 'FACTOR_PAUSED');
    expect(page.text).toContain(`You can use ${what} again <strong data-countdown=`);
    expect(page.text).toContain(`>${words}</strong>, at <time datetime="`);
    expect(page.text).toMatch(/data-local-time>\d\d:\d\d UTC<\/time>/);
    expect(page.text).not.toContain('autocomplete="one-time-code"');
  }

  /** The ways on the paused page offers. */
  const links = (page: HttpResponse) => [...(/<ul class="ways">(.*?)<\/ul>/.exec(page.text)?.[1] ?? '').matchAll(/<a\b[^>]*>([^<]+)<\/a>/g)].map((match) => match[1]);

  test('five wrong app codes: the page says the app codes are paused, for how long and until when, and offers the other ways', async () => {
    const account = await twoMethodAccount(w, 'paused');
    const fifth = await wrongAppCodes(account, LOCK_AFTER);
    expectPausedFor(fifth, 'codes from your authenticator app', 'in 1 minute');
    // The other ways: the account's phone ("Try another way") and the backup code.
    expect(links(fifth)).toEqual(['Try another way', 'Use your backup code']);

    // A new sign-in meanwhile: straight to the same page after the password; the app is not asked.
    clock.advance(20_000);
    const { session, page } = await afterPassword(w, account.email);
    expectPausedFor(page, 'codes from your authenticator app', 'in 40 seconds');
    expect(page.text).toContain('data-show-after="40"');

    // "Try another way" says which way is paused; picking the phone texts a code there.
    const ways = await session.get(`${w.idp.issuer}/interaction/${uidOf(page.url)}/other-ways`);
    expect(ways.text).not.toContain('paused, works again');
    const sent = texts(account.phone);
    const sms = await session.submitForm(formAction(ways.text, '/other-ways', w.idp.issuer), { csrf: hiddenField(ways.text, 'csrf'), method: /name="method" value="([^"]+)"/.exec(ways.text)![1]! });
    expect(sms.text).toContain('data-state="sent"');
    expect(texts(account.phone)).toBe(sent + 1);

    // The pause ends: the app's code form is back, and a right code works.
    clock.advance(41_000);
    const later = await afterPassword(w, account.email);
    expect(later.page.status).toBe(200);
    clock.advance(STEP_MS);
    expect((await submitCode(later.session, w.idp.issuer, later.page, codeFor(account.key, clock))).status).toBe(303);
  });

  test('before the password nothing tells a paused account apart, and one account\'s pause never shows on another\'s sign-in', async () => {
    const paused = await totpAccount(w, 'quiet');
    const other = await totpAccount(w, 'other');
    await wrongAppCodes(paused, LOCK_AFTER);
    const pausedLogin = await atLoginPage(w);
    const otherLogin = await atLoginPage(w);
    const blank = (page: HttpResponse) => page.text.replace(/\/interaction\/[\w-]+/g, '/interaction/UID').replace(/value="[^"]{40,}"/g, 'value="TOKEN"');
    expect(blank(pausedLogin.page)).toBe(blank(otherLogin.page));
    // A wrong password for the paused account: the usual answer, nothing about codes.
    const wrong = await submitPassword(pausedLogin.session, w.idp.issuer, pausedLogin.page, paused.email, 'not the password');
    expectRefused(wrong, 'INVALID_CREDENTIALS');
    expect(wrong.text).not.toMatch(/FACTOR_|data-countdown|authenticator app/);

    // The other account, in the same browser's next tab, gets its code form and signs in.
    const otherPage = await submitPassword(otherLogin.session, w.idp.issuer, otherLogin.page, other.email, ABUSE_PASSWORD);
    expect(otherPage.status).toBe(200);
    expect(otherPage.text).toContain('autocomplete="one-time-code"');
    clock.advance(STEP_MS);
    expect((await submitCode(otherLogin.session, w.idp.issuer, otherPage, codeFor(other.key, clock))).status).toBe(303);
  });

  test('a paused text-message method is sent nothing: not on the first view, not on Resend; the backup code is offered', async () => {
    const account = await smsAccount(w, 'quiet-phone');
    for (let i = 0; i < LOCK_AFTER; i += 1) {
      clock.advance(31_000);
      const { session, page } = await afterPassword(w, account.email);
      await session.submitForm(formAction(page.text, '/sms', w.idp.issuer), { csrf: hiddenField(page.text, 'csrf'), code: '000000' });
    }
    const sent = texts(account.phone);
    clock.advance(31_000);
    const { session, page } = await afterPassword(w, account.email);
    expectPausedFor(page, 'codes by text message', 'in 29 seconds');
    expect(links(page)).toEqual(['Use your backup code']);
    expect(page.text).not.toContain('/sms/send');
    const resend = await session.submitForm(`${w.idp.issuer}/interaction/${uidOf(page.url)}/sms/send`, { csrf: hiddenField(page.text, 'csrf') });
    expectPausedFor(resend, 'codes by text message', 'in 29 seconds');
    expect(texts(account.phone)).toBe(sent);
  });

  test(`after ${MAX_FAILURES} wrong codes in a row only support can unlock: the page says so, with the support link, until an operator unlocks`, async () => {
    const account = await totpAccount(w, 'locked');
    await wrongAppCodes(account, LOCK_AFTER);
    clock.advance(61_000);
    const last = await wrongAppCodes(account, LOCK_AFTER);
    expectRefused(last, 'FACTOR_LOCKED');
    expect(last.text).toContain(`Only our support team can unlock codes from your authenticator app now. <a href="${SUPPORT_URL}">Contact support</a>.`);
    expect(last.text).not.toContain('data-countdown');
    // Hours later it still holds, on every new sign-in.
    clock.advance(2 * 3_600_000);
    const { session, page } = await afterPassword(w, account.email);
    expectRefused(page, 'FACTOR_LOCKED');
    expect(links(page)).toEqual(['Use your backup code']);
    // The operator's `mfa unlock`: the form is back.
    await guard().unlock(account.id, 'totp');
    const again = await session.get(page.url);
    expect(again.status).toBe(200);
    expect(again.text).toContain('autocomplete="one-time-code"');
  });

  test('a paused backup code: its page says so and offers the method back', async () => {
    const account = await totpAccount(w, 'paused-backup');
    for (let i = 0; i < LOCK_AFTER; i += 1) {
      const { session, page } = await afterPassword(w, account.email);
      await session.submitForm(`${w.idp.issuer}/interaction/${uidOf(page.url)}/backup-code`, { csrf: hiddenField(page.text, 'csrf'), code: 'AAAA-AAAA-AAAA-AAAA' });
    }
    const { session, page } = await afterPassword(w, account.email);
    // The app's own page is unaffected: its codes are counted apart.
    expect(page.status).toBe(200);
    const form = await session.get(`${w.idp.issuer}/interaction/${uidOf(page.url)}/backup-code`);
    expectPausedFor(form, 'your backup code', 'in 1 minute');
    expect(links(form)).toEqual(['Use authenticator app']);
    expect(form.text).toContain(`href="/interaction/${uidOf(page.url)}/backup-code">The pause is over: try again`);
    // "Try another way" tells the backup code is paused too.
    const ways = await session.get(`${w.idp.issuer}/interaction/${uidOf(page.url)}/other-ways`);
    expect(ways.text).toContain('Use your backup code</a><span class="hint"> (paused, works again in 1 minute)</span>');
  });

  test('sessions: a refusal for a paused factor is no sign-in', async () => {
    const account = await totpAccount(w, 'no-session');
    await wrongAppCodes(account, LOCK_AFTER);
    const { session, page } = await afterPassword(w, account.email);
    clock.advance(STEP_MS);
    const posted = await session.submitForm(`${w.idp.issuer}/interaction/${uidOf(page.url)}/totp`, { csrf: hiddenField(page.text, 'csrf'), code: codeFor(account.key, clock) });
    expectRefused(posted, 'FACTOR_PAUSED');
    expect(providerResultOf(await w.idp.app.Interaction.find(uidOf(page.url)))).toBeUndefined();
    await expectNoSessionIn(session);
  });

  async function expectNoSessionIn(session: HttpSession) {
    const { page } = await atLoginPage(w, 'first-party-app', session);
    expect(page.text).toContain('autocomplete="current-password"');
  }
});
