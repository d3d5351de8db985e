import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { expectNoInternals, RecordingSession, recordingLogger, uidOf } from '../helpers/abuse.ts';
import {
  ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, afterPassword, atLoginPage, plainAccount, smsAccount, STEP_MS, totpAccount, type AbuseWorld,
} from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, openSecurityPage, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, signIn, submitPassword } from '../helpers/oidc-flow.ts';

/**
 * Every HTML page we serve, reached the way a person reaches it, must refuse to be framed
 * (CSP frame-ancestors 'none' and X-Frame-Options: DENY), forbid MIME sniffing, never be
 * cached, and run no inline script the CSP does not name. Every cookie we set is HttpOnly and
 * SameSite=Lax. Headers do not depend on the store: SQLite only.
 */

/** A CSP header as directive → values. */
function parseCsp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

/** The inline scripts of a page (no src), as a browser would hash them for CSP. */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi)].filter((m) => !/\ssrc=/i.test(m[1] ?? '')).map((m) => m[2]!);
}

describe('clickjacking and security headers (SQLite)', () => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const world = useIdpWorld('sqlite', { clock, clients: ABUSE_CLIENTS, config: () => abuseConfig(), log });
  const pages = new Map<string, HttpResponse>();
  const browsers: RecordingSession[] = [];
  const browser = () => {
    const session = new RecordingSession();
    browsers.push(session);
    return session;
  };

  const keep = (label: string, page: HttpResponse) => {
    if (!(page.headers.get('content-type') ?? '').startsWith('text/html')) throw new Error(`${label} is not an HTML page: ${page.status} ${page.url}\n${page.text.slice(0, 300)}`);
    pages.set(label, page);
    return page;
  };

  beforeAll(async () => {
    const issuer = world.idp.issuer;

    // Sign-in, with and without an error; consent.
    const plain = await plainAccount(world);
    keep('sign-in', (await atLoginPage(world, 'first-party-app', browser())).page);
    const wrong = browser();
    const wrongPage = (await atLoginPage(world, 'first-party-app', wrong)).page;
    keep('sign-in with an error', await submitPassword(wrong, issuer, wrongPage, plain.email, 'not the password'));
    keep('consent', (await afterPassword(world, plain.email, 'third-party-app', browser())).page);

    // The second factor: authenticator code, backup code form, new backup code; "trust this device".
    const totp = await totpAccount(world);
    const challenge = await afterPassword(world, totp.email, 'first-party-app', browser());
    keep('code (authenticator app)', challenge.page);
    const uid = uidOf(challenge.page.url);
    const backupForm = keep('backup code form', await challenge.session.get(`${issuer}/interaction/${uid}/backup-code`));
    keep('backup code form with an error', await challenge.session.submitForm(formAction(backupForm.text, '/backup-code', issuer), { csrf: hiddenField(backupForm.text, 'csrf'), code: 'AAAA-AAAA-AAAA-AAAA' }));
    const newCode = keep('new backup code (sign-in)', await challenge.session.submitForm(formAction(backupForm.text, '/backup-code', issuer), { csrf: hiddenField(backupForm.text, 'csrf'), code: totp.backupCode }));
    expect(isCallback(await challenge.session.follow(await challenge.session.submitForm(formAction(newCode.text, '/continue', issuer), { csrf: hiddenField(newCode.text, 'csrf') }), issuer))).toBe(true);
    keep('sign-in already finished (Back)', await challenge.session.get(`${issuer}/interaction/${uid}`));
    const trusting = await afterPassword(world, totp.email, 'first-party-app', browser());
    clock.advance(STEP_MS);
    keep('code with an error', await trusting.session.submitForm(formAction(trusting.page.text, '/totp', issuer), { csrf: hiddenField(trusting.page.text, 'csrf'), code: '000000' }));
    expect(isCallback(await submitCode(trusting.session, issuer, trusting.page, codeFor(totp.key, clock), { trust: '1' }))).toBe(true);

    // Text message code; enrolment during sign-in.
    const sms = await smsAccount(world);
    keep('code (text message)', (await afterPassword(world, sms.email, 'first-party-app', browser())).page);
    keep('text message: waiting for the cooldown', (await afterPassword(world, sms.email, 'first-party-app', browser())).page);
    // Five wrong codes: the app's codes are paused, and the page says until when.
    const pausing = await totpAccount(world);
    for (let i = 0; i < 5; i += 1) {
      const attempt = await afterPassword(world, pausing.email, 'first-party-app', browser());
      await attempt.session.submitForm(formAction(attempt.page.text, '/totp', issuer), { csrf: hiddenField(attempt.page.text, 'csrf'), code: '000000' });
    }
    keep('code paused', (await afterPassword(world, pausing.email, 'first-party-app', browser())).page);
    keep('enrolment during sign-in', (await afterPassword(world, (await plainAccount(world)).email, 'strict-app', browser())).page);

    // The Security pages, for an account without MFA and one with it.
    const owner = await plainAccount(world);
    const console = browser();
    keep('Security page (MFA off)', await openSecurityPage(console, issuer, { email: owner.email, password: ABUSE_PASSWORD }));
    const choose = keep('set up: choose a method', await console.get(`${issuer}/account/security/setup`));
    const qr = keep('set up: authenticator app', await console.follow(await console.submitForm(`${issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'totp' }), issuer));
    keep('set up: authenticator app with an error', await console.submitForm(`${issuer}/account/security/setup/app`, { csrf: hiddenField(qr.text, 'csrf'), code: '000000' }));
    const phonePage = keep('set up: phone number', await console.get(`${issuer}/account/security/setup/sms`));
    keep('set up: phone number with an error', await console.submitForm(`${issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone: 'not a number' }));
    keep('set up: texted code', await console.submitForm(`${issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone: '+447400888001' }));
    const key = /id="totp-key">([^<]*)</.exec(qr.text)![1]!;
    keep('set up: backup code', await console.submitForm(`${issuer}/account/security/setup/app`, { csrf: hiddenField(qr.text, 'csrf'), code: codeFor(key, clock) }));
    const managed = browser();
    clock.advance(STEP_MS);
    keep('Security page (MFA on)', await openSecurityPage(managed, issuer, { email: owner.email, password: ABUSE_PASSWORD, key, clock }));
    const backupManage = keep('backup code: manage', await managed.get(`${issuer}/account/security/backup-code`));
    keep('backup code: new (Security page)', await managed.submitForm(`${issuer}/account/security/backup-code`, { csrf: hiddenField(backupManage.text, 'csrf') }));
    keep('trusted devices', await managed.get(`${issuer}/account/security/devices`));
    const turnOff = keep('turn off', await managed.get(`${issuer}/account/security/turn-off`));
    keep('turned off, signed out everywhere', await managed.submitForm(`${issuer}/account/security/turn-off`, { csrf: hiddenField(turnOff.text, 'csrf') }));
    const leaving = browser();
    const security = await openSecurityPage(leaving, issuer, { email: (await plainAccount(world)).email, password: ABUSE_PASSWORD });
    keep('signed out everywhere', await leaving.submitForm(`${issuer}/account/security/sign-out-everywhere`, { csrf: hiddenField(security.text, 'csrf') }));

    // The Security page's sign-in, cancelled: its error page.
    const cancelling = browser();
    const consoleLogin = await cancelling.follow(await cancelling.get(`${issuer}/account/sign-in?next=/account/security`), issuer);
    keep('Security sign-in cancelled', await cancelling.follow(await cancelling.postForm(formAction(consoleLogin.text, '/abort', issuer), { csrf: hiddenField(consoleLogin.text, 'csrf') }), issuer));

    // Sign-out: confirmation and signed out.
    const client = await discoverClient(issuer, 'first-party-app');
    const leaver = browser();
    const { tokens } = await signIn({ issuer, client, email: plain.email, password: ABUSE_PASSWORD, session: leaver });
    const confirm = keep('sign-out confirmation', await leaver.get(oidc.buildEndSessionUrl(client, { id_token_hint: tokens.id_token! }).href));
    const signedOut = await leaver.postForm(formAction(confirm.text, '/session/end/confirm', issuer), { xsrf: hiddenField(confirm.text, 'xsrf'), logout: 'yes' });
    keep('signed out', await leaver.get(signedOut.location!));

    // Error pages: ours, and oidc-provider's rendered in our layout.
    const stranger = browser();
    keep('error: expired sign-in', await stranger.get(`${issuer}/interaction/not-a-real-uid`));
    keep('error: CSRF', await stranger.get(`${issuer}/account/callback?state=forged`));
    keep('error: not signed in', await stranger.postForm(`${issuer}/account/security/turn-off`, { csrf: 'x' }));
    const early = await afterPassword(world, totp.email, 'first-party-app', browser());
    keep('error: wrong step', await early.session.postForm(`${issuer}/interaction/${uidOf(early.page.url)}/consent`, { csrf: hiddenField(early.page.text, 'csrf') }));
    keep('error: invalid authorization request', await stranger.get((await buildAuthorization(client, { redirect_uri: 'https://evil.example/' })).url));
    keep('error: not found', await stranger.get(`${issuer}/no-such-page`));
    keep('error: method not allowed', await stranger.request(`${issuer}/account/security`, { method: 'PUT', headers: { accept: 'text/html' } }));
    keep('error: too large', await stranger.postForm(`${issuer}/account/security/turn-off`, { csrf: 'x'.repeat(20_000) }));

    // response_mode=form_post: oidc-provider's auto-submitting page with the code.
    const poster = browser();
    const formPostAuth = await buildAuthorization(client, { response_mode: 'form_post' });
    const formPostLogin = await poster.follow(await poster.get(formPostAuth.url), issuer);
    keep('form_post response', await submitPassword(poster, issuer, formPostLogin, plain.email, ABUSE_PASSWORD));
  });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const EXPECTED_PAGES = [
    'sign-in', 'sign-in with an error', 'consent', 'code (authenticator app)', 'code with an error', 'backup code form',
    'backup code form with an error', 'new backup code (sign-in)', 'sign-in already finished (Back)', 'code (text message)',
    'text message: waiting for the cooldown', 'code paused', 'enrolment during sign-in',
    'Security page (MFA off)', 'set up: choose a method', 'set up: authenticator app', 'set up: authenticator app with an error',
    'set up: phone number', 'set up: phone number with an error', 'set up: texted code', 'set up: backup code', 'Security page (MFA on)',
    'backup code: manage', 'backup code: new (Security page)', 'trusted devices', 'turn off', 'turned off, signed out everywhere',
    'signed out everywhere', 'Security sign-in cancelled', 'sign-out confirmation', 'signed out', 'error: expired sign-in', 'error: CSRF',
    'error: not signed in', 'error: wrong step', 'error: invalid authorization request', 'error: not found', 'error: method not allowed', 'error: too large', 'form_post response',
  ];

  test('the journey reached every page', () => {
    expect([...pages.keys()].sort()).toEqual([...EXPECTED_PAGES].sort());
  });

  test.each(EXPECTED_PAGES)('%s: cannot be framed, is not sniffed, is not cached', (label) => {
    const page = pages.get(label)!;
    const csp = parseCsp(page.headers.get('content-security-policy'));
    // All at once, so a failure shows every header that is missing from this page.
    expect({
      label,
      status: page.status,
      frameAncestors: csp.get('frame-ancestors'),
      defaultSrc: csp.get('default-src'),
      xFrameOptions: page.headers.get('x-frame-options'),
      contentTypeOptions: page.headers.get('x-content-type-options'),
      cacheControl: page.headers.get('cache-control'),
    }).toEqual({
      label,
      status: page.status,
      frameAncestors: ["'none'"],
      defaultSrc: ["'none'"],
      xFrameOptions: 'DENY',
      contentTypeOptions: 'nosniff',
      cacheControl: 'no-store',
    });
    expect(csp.get('script-src') ?? []).not.toContain("'unsafe-inline'");
    expect(page.text).not.toMatch(/\son[a-z]+=["']|\sstyle=["']|<style[\s>]/i);
    expectNoInternals(page);
  });

  /**
   * Our pages have no inline script. oidc-provider's form_post page has one (it submits the code
   * to the app) and adds that script's hash to a CSP already on the response, if there is one.
   */
  test.each(EXPECTED_PAGES)('%s: every inline script is one the CSP allows (else a browser blocks it)', (label) => {
    const page = pages.get(label)!;
    const scriptSrc = parseCsp(page.headers.get('content-security-policy')).get('script-src') ?? [];
    for (const script of inlineScripts(page.text)) {
      const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
      expect({ label, allowed: scriptSrc.includes(hash) }).toEqual({ label, allowed: true });
    }
  });

  test('every cookie we set is HttpOnly and SameSite=Lax (interaction, session, console state, trusted device)', () => {
    const lines = browsers.flatMap((b) => b.setCookies.map((c) => c.line));
    const names = new Set(lines.map((line) => line.slice(0, line.indexOf('='))));
    for (const name of ['_interaction', '_interaction.sig', '_interaction_resume', '_interaction_resume.sig', '_session', '_session.sig', 'oidc_mfa_console_state', 'oidc_mfa_console_state.sig', 'oidc-mfa-trusted', 'oidc-mfa-finished', 'oidc-mfa-finished.sig']) {
      expect(names).toContain(name);
    }
    for (const line of lines) {
      const attributes = line.split(';').slice(1).map((a) => a.trim().toLowerCase());
      const value = line.slice(line.indexOf('=') + 1, line.indexOf(';') === -1 ? undefined : line.indexOf(';'));
      const deletion = value === '' || attributes.some((a) => a.startsWith('expires=') && Date.parse(a.slice(8)) < Date.now());
      expect({ line, httpOnly: attributes.includes('httponly') }).toEqual({ line, httpOnly: true });
      // A deletion (empty value, expired) sets nothing a site could send back; everything else is Lax.
      if (!deletion) expect({ line, sameSite: attributes.find((a) => a.startsWith('samesite=')) }).toEqual({ line, sameSite: 'samesite=lax' });
      expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    }
    const trusted = lines.find((line) => line.startsWith('oidc-mfa-trusted=') && !line.startsWith('oidc-mfa-trusted=;'))!;
    expect(trusted).toMatch(/^oidc-mfa-trusted=[\w-]{43}; /);
    expect(trusted.toLowerCase()).toContain('path=/;');
    expect(trusted.toLowerCase()).toMatch(/max-age=2592000|expires=/);
  });
});
