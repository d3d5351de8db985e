import { createFactorGuard } from '../../src/guard/factor-guard.ts';
import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import {
  ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, afterPassword, atLoginPage, plainAccount, signedInConsole, STEP_MS, totpAccount,
} from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, submitCode, textOf } from '../helpers/mfa-flow.ts';
import { isCallback, submitConsent, submitPassword } from '../helpers/oidc-flow.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

/**
 * Issue 13 §3: Refresh and Back re-submitted forms. Every form POST is now answered with a 303
 * (Post/Redirect/Get), so what Refresh repeats is a GET: no wrong code or password counted twice,
 * no spent backup code sent again. What a page shows after the redirect (a problem, a new backup
 * code) is kept for the interaction (or Security-page session) AND the account, so nothing made
 * for one account or tab is ever shown to another. Back after a finished sign-in leads on.
 */
describe.each(STORE_KINDS)('Refresh and Back on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, {
    clock,
    log,
    clients: ABUSE_CLIENTS,
    config: () => abuseConfig({ login: { maxFailuresPerAccount: 2, maxFailuresPerIp: 1000, failureWindowSeconds: 900 } }),
  });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const failures = (accountId: string) => createFactorGuard(w.store.counters, { lockAfterFailures: 5, maxFailures: 100 }).failures(accountId, 'totp');
  const errorCode = (page: HttpResponse) => /data-code="([^"]*)"/.exec(page.text)?.[1];

  /** A POST answered the Post/Redirect/Get way: a 303 to one of our pages, which the browser then shows. */
  async function postThenShow(session: HttpSession, url: string, fields: Record<string, string>): Promise<{ answer: HttpResponse; page: HttpResponse }> {
    const answer = await session.postForm(url, fields);
    expect({ status: answer.status, ours: answer.location?.startsWith(w.idp.issuer) }).toEqual({ status: 303, ours: true });
    return { answer, page: await session.follow(answer, w.idp.issuer) };
  }

  test('a wrong code, then Refresh (twice): the code is counted once, and the error is shown once', async () => {
    const account = await totpAccount(w, 'refresh-code');
    const { session, page } = await afterPassword(w, account.email);
    const shown = await postThenShow(session, formAction(page.text, '/totp', w.idp.issuer), { csrf: hiddenField(page.text, 'csrf'), code: '000000' });
    expectRefused(shown.page, 'CODE_INVALID');
    expect(await failures(account.id)).toBe(1);
    // Refresh repeats the GET the browser was sent to, not the POST: nothing counted, the error said once.
    for (let i = 0; i < 2; i += 1) {
      const refreshed = await session.get(shown.page.url);
      expect(refreshed.status).toBe(200);
      expect(errorCode(refreshed)).toBeUndefined();
      expect(refreshed.text).toContain('autocomplete="one-time-code"');
    }
    expect(await failures(account.id)).toBe(1);
    clock.advance(STEP_MS);
    expect(isCallback(await submitCode(session, w.idp.issuer, page, codeFor(account.key, clock)))).toBe(true);
  });

  test('a wrong password, then Refresh: one failure counted (the account lock after 2 is not reached), and the right password still signs in', async () => {
    const account = await plainAccount(w, 'refresh-password');
    const { session, page } = await atLoginPage(w);
    const shown = await postThenShow(session, formAction(page.text, '/login', w.idp.issuer), { csrf: hiddenField(page.text, 'csrf'), email: account.email, password: 'not it' });
    expectRefused(shown.page, 'INVALID_CREDENTIALS');
    expect(shown.page.text).toContain(`value="${account.email}"`);
    for (let i = 0; i < 3; i += 1) expect(errorCode(await session.get(shown.page.url))).toBeUndefined();
    expect(isCallback(await submitPassword(session, w.idp.issuer, shown.page, account.email, ABUSE_PASSWORD))).toBe(true);
  });

  test('"Save your new backup code": Refresh shows the same code and spends nothing; "I\'ve saved it" ends it; Back then leads to the app', async () => {
    const account = await totpAccount(w, 'new-code');
    const { session, page } = await afterPassword(w, account.email);
    const uid = uidOf(page.url);
    const form = await session.get(`${w.idp.issuer}/interaction/${uid}/backup-code`);
    const shown = await postThenShow(session, formAction(form.text, '/backup-code', w.idp.issuer), { csrf: hiddenField(form.text, 'csrf'), code: account.backupCode });
    expect(shown.answer.location).toBe(`${w.idp.issuer}/interaction/${uid}/new-backup-code`);
    const newCode = textOf(shown.page.text, 'backup-code');
    expect(newCode).not.toBe(account.backupCode);
    const hashAfterSpend = (await w.store.mfa.get(account.id))?.backupCodeHash;

    for (let i = 0; i < 2; i += 1) {
      const refreshed = await session.get(shown.page.url);
      expect(textOf(refreshed.text, 'backup-code')).toBe(newCode);
      expect(refreshed.headers.get('cache-control')).toBe('no-store');
    }
    // Nothing was sent again: the code was spent once, no failure counted, the new one stands.
    expect((await w.store.mfa.get(account.id))?.backupCodeHash).toBe(hashAfterSpend);
    expect(await createFactorGuard(w.store.counters, { lockAfterFailures: 5, maxFailures: 100 }).failures(account.id, 'backup-code')).toBe(0);
    // Not written in the store in the clear.
    expect(JSON.stringify(await w.store.transient.get(`shown-backup-code:${uid}:${account.id}`))).not.toContain(newCode);

    const done = await session.submitForm(formAction(shown.page.text, '/continue', w.idp.issuer), { csrf: hiddenField(shown.page.text, 'csrf') });
    expect(isCallback(done)).toBe(true);

    // Back, to the page of the new code or the code page before it: the sign-in is over, and the page says so and leads to the app.
    for (const path of [`/interaction/${uid}/new-backup-code`, `/interaction/${uid}`, `/interaction/${uid}/backup-code`]) {
      const back = await session.get(`${w.idp.issuer}${path}`);
      expect({ path, status: back.status }).toEqual({ path, status: 200 });
      expect(back.text).toContain('<h1>You have finished this sign-in</h1>');
      expect(back.text).toContain('<a class="button primary" id="continue" href="http://rp.test/logged-out">Continue to First Party App</a>');
      expect(back.text).not.toContain(newCode);
    }
  });

  test('the new backup code is shown only to its own sign-in: not to another browser, not to another account in another tab', async () => {
    const a = await totpAccount(w, 'owner');
    const b = await totpAccount(w, 'other-tab');
    const browser = new HttpSession();
    const flowA = await afterPassword(w, a.email, 'first-party-app', browser);
    const uidA = uidOf(flowA.page.url);
    const formA = await browser.get(`${w.idp.issuer}/interaction/${uidA}/backup-code`);
    const shownA = await browser.submitForm(formAction(formA.text, '/backup-code', w.idp.issuer), { csrf: hiddenField(formA.text, 'csrf'), code: a.backupCode });
    const codeA = textOf(shownA.text, 'backup-code');

    // Another tab of the same browser, B signing in: its own new-code page has nothing (B spent nothing) and leads to B's step.
    const flowB = await afterPassword(w, b.email, 'first-party-app', browser);
    const uidB = uidOf(flowB.page.url);
    const pageB = await browser.get(`${w.idp.issuer}/interaction/${uidB}/new-backup-code`);
    expect(pageB.location).toBe(`${w.idp.issuer}/interaction/${uidB}`);
    expect(pageB.text).not.toContain(codeA);
    // A's page under B's interaction cookie path does not exist for B; another browser has no interaction at all.
    expectRefused(await new HttpSession().get(`${w.idp.issuer}/interaction/${uidA}/new-backup-code`), 'INTERACTION_EXPIRED');
    // The kept code, copied under B's scope in the store, does not open for B.
    const sealed = await w.store.transient.get(`shown-backup-code:${uidA}:${a.id}`);
    await w.store.transient.set(`shown-backup-code:${uidB}:${b.id}`, sealed!, 600);
    const forged = await browser.get(`${w.idp.issuer}/interaction/${uidB}/new-backup-code`);
    expect(forged.location).toBe(`${w.idp.issuer}/interaction/${uidB}`);
    // A's own page still shows it.
    expect(textOf((await browser.get(`${w.idp.issuer}/interaction/${uidA}/new-backup-code`)).text, 'backup-code')).toBe(codeA);
  });

  test("a problem left for one tab's page is never shown in another tab, or to another account", async () => {
    const a = await totpAccount(w, 'notice-a');
    const b = await totpAccount(w, 'notice-b');
    const browser = new HttpSession();
    const tabA = await afterPassword(w, a.email, 'first-party-app', browser);
    const tabB = await afterPassword(w, b.email, 'first-party-app', browser);
    // A's wrong code leaves a notice; B's page, even asked with the redirect's hint, shows none.
    const answer = await browser.postForm(formAction(tabA.page.text, '/totp', w.idp.issuer), { csrf: hiddenField(tabA.page.text, 'csrf'), code: '000000' });
    const pageB = await browser.get(`${w.idp.issuer}/interaction/${uidOf(tabB.page.url)}?notice=1`);
    expect(pageB.status).toBe(200);
    expect(errorCode(pageB)).toBeUndefined();
    // A's own tab shows it, once.
    expectRefused(await browser.follow(answer, w.idp.issuer), 'CODE_INVALID');
    // Before any password: a wrong password in one tab is not shown on another tab's sign-in page.
    const login1 = await atLoginPage(w, 'first-party-app', browser);
    const login2 = await atLoginPage(w, 'first-party-app', browser);
    await browser.postForm(formAction(login1.page.text, '/login', w.idp.issuer), { csrf: hiddenField(login1.page.text, 'csrf'), email: a.email, password: 'wrong' });
    const other = await browser.get(`${w.idp.issuer}/interaction/${uidOf(login2.page.url)}?notice=1`);
    expect(errorCode(other)).toBeUndefined();
    expect(other.text).not.toContain(a.email);
  });

  test('Back after consent, and after Cancel: a page that says so and leads to the app; a forged or foreign "finished" cookie changes nothing', async () => {
    const account = await plainAccount(w, 'consent-back');
    const { session, page } = await afterPassword(w, account.email, 'third-party-app');
    expect(page.text).toContain('/consent');
    const consentUid = uidOf(page.url);
    const done = await submitConsent(session, w.idp.issuer, page);
    expect(isCallback(done)).toBe(true);
    const back = await session.get(`${w.idp.issuer}/interaction/${consentUid}`);
    expect(back.text).toContain('You already finished signing in to <strong>Third Party App</strong>');

    const cancelling = await atLoginPage(w);
    const cancelUid = uidOf(cancelling.page.url);
    await cancelling.session.submitForm(formAction(cancelling.page.text, '/abort', w.idp.issuer), { csrf: hiddenField(cancelling.page.text, 'csrf') });
    const afterCancel = await cancelling.session.get(`${w.idp.issuer}/interaction/${cancelUid}`);
    expect(afterCancel.text).toContain('<h1>You cancelled this sign-in</h1>');
    expect(afterCancel.text).toContain('href="http://rp.test/logged-out">Continue to First Party App</a>');

    // Another browser: the usual expired page. A cookie naming another interaction, or an app that is not registered: the same.
    expectRefused(await new HttpSession().get(`${w.idp.issuer}/interaction/${consentUid}`), 'INTERACTION_EXPIRED');
    const forger = new HttpSession();
    for (const value of [`someone-else.done.first-party-app`, `${consentUid}.done.no-such-app`, `${consentUid}.hacked.first-party-app`, '%%%']) {
      forger.cookies.set(`oidc-mfa-finished;/interaction/${consentUid}`, { name: 'oidc-mfa-finished', value, path: `/interaction/${consentUid}`, expiresAt: Number.POSITIVE_INFINITY });
      expectRefused(await forger.get(`${w.idp.issuer}/interaction/${consentUid}`), 'INTERACTION_EXPIRED');
    }
    // A POST to a finished interaction is still refused, plainly.
    expectRefused(await session.postForm(`${w.idp.issuer}/interaction/${consentUid}/consent`, { csrf: 'x' }), 'INTERACTION_EXPIRED');
  });

  test('Security page: Generate a new code — Refresh shows the same code and generates nothing; "I\'ve saved it" forgets it; another account never sees it', async () => {
    const account = await totpAccount(w, 'console-code');
    const console = await signedInConsole(w, account);
    const manage = await console.get(`${w.idp.issuer}/account/security/backup-code`);
    const shown = await postThenShow(console, `${w.idp.issuer}/account/security/backup-code`, { csrf: hiddenField(manage.text, 'csrf') });
    expect(shown.answer.location).toBe(`${w.idp.issuer}/account/security/backup-code/new`);
    const code = textOf(shown.page.text, 'backup-code');
    const hash = (await w.store.mfa.get(account.id))?.backupCodeHash;
    expect(textOf((await console.get(shown.page.url)).text, 'backup-code')).toBe(code);
    expect((await w.store.mfa.get(account.id))?.backupCodeHash).toBe(hash);

    const other = await signedInConsole(w, await totpAccount(w, 'console-other'));
    const theirs = await other.get(shown.page.url);
    expect(theirs.location).toBe(`${w.idp.issuer}/account/security`);

    const saved = await postThenShow(console, formAction(shown.page.text, '/backup-code/saved', w.idp.issuer), { csrf: hiddenField(shown.page.text, 'csrf') });
    expect(saved.answer.location).toBe(`${w.idp.issuer}/account/security`);
    expect((await console.get(shown.page.url)).location).toBe(`${w.idp.issuer}/account/security`);
  });

  test('Security page: a wrong first code at setup, then Refresh: the error once, the setup still waiting', async () => {
    const account = await plainAccount(w, 'console-setup');
    const console = await signedInConsole(w, account);
    const choose = await console.get(`${w.idp.issuer}/account/security/setup`);
    const qr = await console.submitForm(`${w.idp.issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'totp' });
    const key = textOf(qr.text, 'totp-key');
    const shown = await postThenShow(console, `${w.idp.issuer}/account/security/setup/app`, { csrf: hiddenField(qr.text, 'csrf'), code: '000000' });
    expectRefused(shown.page, 'CODE_INVALID');
    expect(textOf(shown.page.text, 'totp-key')).toBe(key);
    const refreshed = await console.get(shown.page.url);
    expect(errorCode(refreshed)).toBeUndefined();
    expect(textOf(refreshed.text, 'totp-key')).toBe(key);
  });
});
