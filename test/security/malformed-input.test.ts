import type { ErrorCode } from '../../src/errors.ts';
import { expectNoInternals, expectRefused, expectSome4xx, recordingLogger, uidOf } from '../helpers/abuse.ts';
import {
  ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, afterPassword, atLoginPage, plainAccount, signedInConsole, smsAccount, STEP_MS,
  totpAccount, trustABrowser, type AbuseWorld,
} from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, textOf } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback } from '../helpers/oidc-flow.ts';
import { cookieHeaderFor, rawRequest, type RawResponse } from '../helpers/raw-http.ts';
import { latestCode, readOutbox } from '../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { providerResultOf } from '../helpers/interaction-result.ts';

/**
 * Bodies, content types, encodings, characters, paths and cookies no page of ours would send.
 * Every answer is a 4xx with its code and message (never a 500, a stack or a path), and none
 * gains anything: no session, no result for the interaction, no stored change.
 */
const INTERACTION_STEPS = ['login', 'totp', 'sms', 'sms/send', 'backup-code', 'enrol', 'continue', 'consent', 'abort'];
const CONSOLE_POSTS = [
  '/account/security/setup', '/account/security/setup/app', '/account/security/setup/sms', '/account/security/setup/sms/resend',
  '/account/security/setup/sms/verify', '/account/security/backup-code', '/account/security/devices/revoke',
  '/account/security/devices/revoke-all', '/account/security/turn-off', '/account/security/sign-out-everywhere',
];
const FORM = 'application/x-www-form-urlencoded';

/** Full-width (U+FF10…) and Arabic-Indic (U+0660…) forms of an ASCII digit string. */
const fullWidth = (digits: string) => [...digits].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
const arabicIndic = (digits: string) => [...digits].map((d) => String.fromCodePoint(0x0660 + Number(d))).join('');
const devanagari = (digits: string) => [...digits].map((d) => String.fromCodePoint(0x0966 + Number(d))).join('');

describe.each(STORE_KINDS)('malformed input on %s: a clear 4xx, and nothing gained', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  // Per-IP failures out of the way: this file sends many wrong passwords on purpose (brute-force.test.ts tests the limit).
  const world = useIdpWorld(kind, { clock, clients: ABUSE_CLIENTS, config: () => abuseConfig({ login: { maxFailuresPerAccount: 10, maxFailuresPerIp: 10_000, failureWindowSeconds: 900 } }), log });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const issuer = () => world.idp.issuer;
  const resultOf = async (uid: string) => providerResultOf(await world.idp.app.Interaction.find(uid));

  /** A POST with this browser's cookies, as raw as we like. */
  function rawPost(session: HttpSession, url: string, body: string | Buffer | Array<string | Buffer> | undefined, headers: Record<string, string> = {}): Promise<RawResponse> {
    return rawRequest(url, { method: 'POST', body, headers: { accept: 'text/html', origin: issuer(), cookie: cookieHeaderFor(session, url), ...headers } });
  }

  /**
   * The same, then the page the browser is shown: a form the route read and refused is answered
   * with a 303 to the page that says why (Post/Redirect/Get); a refusal before reading is direct.
   */
  async function rawSubmit(session: HttpSession, url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse | HttpResponse> {
    const response = await rawPost(session, url, body, headers);
    return response.status === 303 && response.location ? session.follow(await session.get(response.location), issuer()) : response;
  }

  /** Every form route, each with the cookies that get it past "who are you" to reading the body. */
  async function everyFormRoute() {
    const account = await plainAccount(world);
    const { session: browser, page } = await atLoginPage(world);
    const uid = uidOf(page.url);
    const console = await signedInConsole(world, await plainAccount(world));
    const routes = [
      ...INTERACTION_STEPS.map((step) => ({ session: browser, url: `${issuer()}/interaction/${uid}/${step}` })),
      ...CONSOLE_POSTS.map((path) => ({ session: console, url: `${issuer()}${path}` })),
    ];
    /** Afterwards: the interaction still takes the right password, and nothing was stored for the console's account. */
    async function expectNothingChanged() {
      expect(await resultOf(uid)).toBeUndefined();
      const done = await browser.follow(await browser.submitForm(formAction(page.text, '/login', issuer()), { csrf: hiddenField(page.text, 'csrf'), email: account.email, password: ABUSE_PASSWORD }), issuer());
      expect(isCallback(done)).toBe(true);
      expect((await console.get(`${issuer()}/account/security`)).status).toBe(200);
    }
    return { routes, csrf: hiddenField(page.text, 'csrf'), expectNothingChanged };
  }

  test('bodies over 16 KiB: 413 on every form route, whether declared, chunked or lied about', async () => {
    const { routes, csrf, expectNothingChanged } = await everyFormRoute();
    const big = `csrf=${csrf}&email=x%40example.com&password=${'x'.repeat(20_000)}`;
    for (const { session, url } of routes) {
      expectRefused(await rawPost(session, url, big, { 'content-type': FORM }), 'BODY_TOO_LARGE');
      // No Content-Length at all: counted as it arrives, refused past the limit.
      expectRefused(await rawPost(session, url, Array.from({ length: 40 }, () => 'x'.repeat(1000)), { 'content-type': FORM }), 'BODY_TOO_LARGE');
      // A Content-Length far beyond the limit is refused before a byte is read.
      expectRefused(await rawPost(session, url, 'csrf=x', { 'content-type': FORM, 'content-length': String(10 ** 9) }), 'BODY_TOO_LARGE');
    }
    expectRefused(await rawPost(routes[0]!.session, routes[0]!.url, `a=${'x'.repeat(1_000_000)}`, { 'content-type': FORM }), 'BODY_TOO_LARGE');
    await expectNothingChanged();
  });

  test('anything but an urlencoded form is a 415 on every form route: JSON, multipart, text/plain, none', async () => {
    const { routes, csrf, expectNothingChanged } = await everyFormRoute();
    const bodies: Array<[string | undefined, string | undefined]> = [
      ['application/json', JSON.stringify({ csrf, email: 'x@example.com', password: ABUSE_PASSWORD })],
      ['multipart/form-data; boundary=b', `--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--b--\r\n`],
      ['text/plain', `csrf=${csrf}`],
      ['text/html', `csrf=${csrf}`],
      ['application/x-www-form-urlencodedx', `csrf=${csrf}`],
      ['application/x-www-form-urlencoded, application/json', `csrf=${csrf}`],
      [undefined, `csrf=${csrf}`],
      [undefined, undefined],
    ];
    for (const { session, url } of routes) {
      for (const [type, body] of bodies) {
        const response = await rawPost(session, url, body, type ? { 'content-type': type } : {});
        try {
          expectRefused(response, 'UNSUPPORTED_MEDIA_TYPE');
        } catch (error) {
          throw new Error(`${url} with ${type ?? 'no content type'}${body ? '' : ' and no body'}: ${(error as Error).message}`);
        }
      }
    }
    await expectNothingChanged();
  });

  test('malformed urlencoded: invalid UTF-8 is a 400; %zz, lone %, NUL and empty pairs are read as text and refused', async () => {
    const account = await plainAccount(world);
    const { session, page } = await atLoginPage(world);
    const uid = uidOf(page.url);
    const url = formAction(page.text, '/login', issuer());
    const csrf = hiddenField(page.text, 'csrf');
    const post = (body: string | Buffer) => rawSubmit(session, url, body, { 'content-type': FORM });
    const invalidBytes = [[0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]];
    for (const bytes of invalidBytes) {
      expectRefused(await post(Buffer.concat([Buffer.from(`csrf=${csrf}&email=${encodeURIComponent(account.email)}&password=`), Buffer.from(bytes)])), 'MALFORMED_BODY');
    }
    // Percent-encoded invalid UTF-8 decodes to U+FFFD: a wrong password like any other.
    expectRefused(await post(`csrf=${csrf}&email=${encodeURIComponent(account.email)}&password=%ff%fe%c0%af%ed%a0%80xxxxxxxx`), 'INVALID_CREDENTIALS');
    expectRefused(await post(`csrf=${csrf}&email=%zz%@example.com&password=%zz%zz%zz%`), 'INVALID_CREDENTIALS');
    expectRefused(await post(`csrf=%zz${csrf}&email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(ABUSE_PASSWORD)}`), 'CSRF_FAILED');
    expectRefused(await post(`csrf=${csrf}%00&email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(ABUSE_PASSWORD)}`), 'CSRF_FAILED');
    expectRefused(await post('&&&===&=&csrf'), 'CSRF_FAILED');
    expectRefused(await post(`csrf=${csrf}&&&===&`), 'EMAIL_REQUIRED');
    expectRefused(await post(`__proto__=x&constructor=y&toString=z&hasOwnProperty=w&csrf=${csrf}&email=a%40example.com&password=xxxxxxxxx`), 'INVALID_CREDENTIALS');
    expectRefused(await post(`__proto__[csrf]=${csrf}&constructor[prototype][csrf]=${csrf}&email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(ABUSE_PASSWORD)}`), 'CSRF_FAILED');
    // A field name that is itself invalid UTF-8 is as unreadable as a value.
    expectRefused(await post(Buffer.concat([Buffer.from([0xff]), Buffer.from(`=1&csrf=${csrf}`)])), 'MALFORMED_BODY');
    expect(await resultOf(uid)).toBeUndefined();
    // The password and the interaction were not harmed: the right one still signs in.
    const done = await session.follow(await session.submitForm(url, { csrf, email: account.email, password: ABUSE_PASSWORD }), issuer());
    expect(isCallback(done)).toBe(true);
  });

  test('repeated fields: the first value counts, and never to the sender\'s advantage', async () => {
    const account = await totpAccount(world);
    const { session, page } = await afterPassword(world, account.email);
    const url = formAction(page.text, '/totp', issuer());
    const csrf = hiddenField(page.text, 'csrf');
    clock.advance(STEP_MS);
    const right = codeFor(account.key, clock);
    const post = (body: string) => rawSubmit(session, url, body, { 'content-type': FORM });
    // A wrong code first and the right one after: the wrong one is what is checked.
    expectRefused(await post(`csrf=${csrf}&code=000000&code=${right}`), 'CODE_INVALID');
    expectRefused(await post(`csrf=forged&csrf=${csrf}&code=${right}`), 'CSRF_FAILED');
    // "Trust this device" sent as 0 then 1: not trusted.
    const accepted = await rawPost(session, url, `csrf=${csrf}&code=${right}&code=000000&trust=0&trust=1`, { 'content-type': FORM });
    expect(accepted.status).toBe(303);
    expect(isCallback(await session.follow(await session.get(accepted.location!), issuer()))).toBe(true);
    expect(await world.store.trustedDevices.listForAccount(account.id)).toEqual([]);

    // The password form: a wrong password first.
    const login = await atLoginPage(world);
    const loginUrl = formAction(login.page.text, '/login', issuer());
    expectRefused(await rawSubmit(login.session, loginUrl,
      `csrf=${hiddenField(login.page.text, 'csrf')}&email=${encodeURIComponent(account.email)}&password=wrong-password&password=${encodeURIComponent(ABUSE_PASSWORD)}`, { 'content-type': FORM }), 'INVALID_CREDENTIALS');
    expect(await resultOf(uidOf(login.page.url))).toBeUndefined();
  });

  test("a device id that is someone else's (first, repeated, or alone): 404 and their device stays", async () => {
    const victim = await totpAccount(world, 'victim');
    await trustABrowser(world, victim);
    const [victimDevice] = await world.store.trustedDevices.listForAccount(victim.id);
    const attacker = await totpAccount(world, 'attacker');
    await trustABrowser(world, attacker);
    const [ownDevice] = await world.store.trustedDevices.listForAccount(attacker.id);
    const console = await signedInConsole(world, attacker);
    const csrf = hiddenField((await console.get(`${issuer()}/account/security/devices`)).text, 'csrf');
    const url = `${issuer()}/account/security/devices/revoke`;
    expectRefused(await console.submitForm(url, { csrf, id: victimDevice!.id }), 'DEVICE_NOT_FOUND');
    expectRefused(await rawPost(console, url, `csrf=${csrf}&id=${victimDevice!.id}&id=${ownDevice!.id}`, { 'content-type': FORM }), 'DEVICE_NOT_FOUND');
    for (const id of ['', '*', '%', '..', `${victimDevice!.id}\u0000`, `${victimDevice!.id} `, victimDevice!.id.toUpperCase(), `${victimDevice!.id}' OR '1'='1`, 'x'.repeat(5000)]) {
      expectRefused(await console.submitForm(url, { csrf, id }), 'DEVICE_NOT_FOUND');
    }
    expect(await world.store.trustedDevices.listForAccount(victim.id)).toEqual([victimDevice]);
    expect(await world.store.trustedDevices.listForAccount(attacker.id)).toEqual([ownDevice]);
  });

  test('NUL and control characters in every field: refused, never taken as the right value', async () => {
    const account = await totpAccount(world);
    const controls = ['\u0000', '\u0007', '\b', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\r\nX-Injected: 1'];
    const { session: loginSession, page: loginPage } = await atLoginPage(world);
    for (const c of controls) {
      const response = await loginSession.submitForm(formAction(loginPage.text, '/login', issuer()), { csrf: hiddenField(loginPage.text, 'csrf'), email: `${account.email}${c}x`, password: `${ABUSE_PASSWORD}${c}` });
      expectRefused(response, 'INVALID_CREDENTIALS');
      expect(response.headers.get('x-injected')).toBeNull();
    }
    expect(await resultOf(uidOf(loginPage.url))).toBeUndefined();

    const { session, page } = await afterPassword(world, account.email);
    clock.advance(STEP_MS);
    const right = codeFor(account.key, clock);
    // (Whitespace, \v included, is stripped from codes on purpose: apps show "123 456". Not so other controls.)
    for (const c of ['\u0000', '\u0007', '\u001b', '\u007f']) {
      expectRefused(await session.submitForm(formAction(page.text, '/totp', issuer()), { csrf: hiddenField(page.text, 'csrf'), code: `${right.slice(0, 3)}${c}${right.slice(3)}` }), 'CODE_INVALID');
    }
    expect(await resultOf(uidOf(page.url))).toBeUndefined();

    const console = await signedInConsole(world, await plainAccount(world));
    const csrf = hiddenField((await console.get(`${issuer()}/account/security/setup`)).text, 'csrf');
    expectRefused(await console.submitForm(`${issuer()}/account/security/setup`, { csrf, method: 'totp\u0000' }), 'WRONG_STEP');
    const before = readOutbox(world.idp.config.sms.outboxFile!).length;
    for (const phone of ['+447400123456\u0000', '+44\u00007400123456', '+447400123456\r\n+15005550006', '\u0007+447400123456']) {
      expectRefused(await console.submitForm(`${issuer()}/account/security/setup/sms`, { csrf, phone }), 'PHONE_INVALID');
    }
    expect(readOutbox(world.idp.config.sms.outboxFile!).length).toBe(before);
  });

  describe('unicode in every field of every form', () => {
    test('sign-in: combining marks, RTL overrides, zero-width and full-width emails, emoji passwords: refused with a message, nobody signed in', async () => {
      const account = await plainAccount(world);
      const [local] = account.email.split('@');
      const { session, page } = await atLoginPage(world);
      const url = formAction(page.text, '/login', issuer());
      const csrf = hiddenField(page.text, 'csrf');
      const cases: Array<[string, string, ErrorCode]> = [
        [`${local}\u0301@example.com`, ABUSE_PASSWORD, 'INVALID_CREDENTIALS'],
        [`\u202E${local}@example.com`, ABUSE_PASSWORD, 'INVALID_CREDENTIALS'],
        [`${local}@example.com\u202C\u2066`, ABUSE_PASSWORD, 'INVALID_CREDENTIALS'],
        [`${local}\u200B@example.com`, ABUSE_PASSWORD, 'INVALID_CREDENTIALS'],
        ['ade\u0301\u0301\u0301\u0301@例え.テスト', ABUSE_PASSWORD, 'INVALID_CREDENTIALS'],
        ['"><script>alert(1)</script>@example.com', ABUSE_PASSWORD, 'INVALID_CREDENTIALS'],
        [account.email, '😀🔐👩‍👩‍👧‍👦'.repeat(3), 'INVALID_CREDENTIALS'],
        [account.email, `${ABUSE_PASSWORD}\u200B`, 'INVALID_CREDENTIALS'],
        // (Not here: the email with a full-width ＠ or letter. Emails are NFKC-normalised since look-alike
        // accounts are refused (test/security/look-alike-emails.test.ts), so that is the same address.)
        // (Not here: the password in full-width letters. Passwords are NFKC-normalised on purpose,
        // NIST SP 800-63B §3.1.1.2, so that is the same password, not an attack on it.)
        [account.email, '😀'.repeat(1025), 'PASSWORD_TOO_LONG'],
        ['😀'.repeat(128), ABUSE_PASSWORD, 'EMAIL_TOO_LONG'],
        ['\u200B\u200B', ABUSE_PASSWORD, 'INVALID_CREDENTIALS'],
        ['\u3000', ABUSE_PASSWORD, 'EMAIL_REQUIRED'],
      ];
      for (const [email, password, code] of cases) {
        const response = await session.submitForm(url, { csrf, email, password });
        try {
          expectRefused(response, code);
        } catch (error) {
          throw new Error(`email ${JSON.stringify(email).slice(0, 60)}, password ${JSON.stringify(password).slice(0, 40)}: ${(error as Error).message}`);
        }
        expect(response.text).not.toContain('<script>alert(1)');
      }
      expect(await resultOf(uidOf(page.url))).toBeUndefined();
    });

    test('the authenticator code: full-width, Arabic-Indic and Devanagari forms of the right code are not it; the "trust" box only ticks with "1"', async () => {
      const account = await totpAccount(world);
      const { session, page } = await afterPassword(world, account.email);
      clock.advance(STEP_MS);
      const right = codeFor(account.key, clock);
      const url = formAction(page.text, '/totp', issuer());
      const csrf = hiddenField(page.text, 'csrf');
      for (const code of [fullWidth(right), arabicIndic(right), devanagari(right), '😀'.repeat(3)]) {
        expectRefused(await session.submitForm(url, { csrf, code }), 'CODE_INVALID');
      }
      expect(await resultOf(uidOf(page.url))).toBeUndefined();
      // Four wrong codes, not five: the right one still works, and a full-width "１" does not trust the device.
      const done = await session.follow(await session.submitForm(url, { csrf, code: right, trust: '１' }), issuer());
      expect(isCallback(done)).toBe(true);
      expect(await world.store.trustedDevices.listForAccount(account.id)).toEqual([]);
    });

    test('the texted code: full-width and Arabic-Indic forms of the right code are not it', async () => {
      const account = await smsAccount(world);
      const { session, page } = await afterPassword(world, account.email);
      const right = latestCode(world.idp.config.sms.outboxFile!, account.phone);
      const url = formAction(page.text, '/sms', issuer());
      const csrf = hiddenField(page.text, 'csrf');
      for (const code of [fullWidth(right), arabicIndic(right), `${right}\u0301`, `\u202E${right}`]) {
        expectRefused(await session.submitForm(url, { csrf, code }), 'CODE_INVALID');
      }
      expect(await resultOf(uidOf(page.url))).toBeUndefined();
      expect(isCallback(await session.follow(await session.submitForm(url, { csrf, code: right }), issuer()))).toBe(true);
    });

    test('the backup code: full-width and Cyrillic look-alike forms of the right code are not it, and it is not spent', async () => {
      const account = await totpAccount(world);
      const { session, page } = await afterPassword(world, account.email);
      const form = await session.get(`${issuer()}/interaction/${uidOf(page.url)}/backup-code`);
      const url = formAction(form.text, '/backup-code', issuer());
      const csrf = hiddenField(form.text, 'csrf');
      const toFullWidth = (text: string) => [...text].map((ch) => (ch === '-' ? '－' : String.fromCodePoint(ch.codePointAt(0)! + 0xfee0))).join('');
      const cyrillic: Record<string, string> = { A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', P: 'Р', T: 'Т', X: 'Х', Y: 'У' };
      const lookAlike = [...account.backupCode].map((ch) => cyrillic[ch] ?? ch).join('');
      const variants = [toFullWidth(account.backupCode), '😀'.repeat(16)];
      if (lookAlike !== account.backupCode) variants.push(lookAlike);
      const before = await world.store.mfa.get(account.id);
      for (const code of variants) {
        expectRefused(await session.submitForm(url, { csrf, code }), 'CODE_INVALID');
      }
      expect((await world.store.mfa.get(account.id))?.backupCodeHash).toBe(before?.backupCodeHash);
      const spent = await session.submitForm(url, { csrf, code: account.backupCode });
      expect(textOf(spent.text, 'backup-code')).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    });

    test('enrolment during sign-in: a full-width first code enrols nothing', async () => {
      const account = await plainAccount(world);
      const { session, page } = await afterPassword(world, account.email, 'strict-app');
      const right = codeFor(textOf(page.text, 'totp-key'), clock);
      const url = formAction(page.text, '/enrol', issuer());
      for (const code of [fullWidth(right), arabicIndic(right)]) {
        expectRefused(await session.submitForm(url, { csrf: hiddenField(page.text, 'csrf'), code }), 'CODE_INVALID');
      }
      expect(await world.store.mfa.get(account.id)).toBeUndefined();
      expect(await resultOf(uidOf(page.url))).toBeUndefined();
    });

    test('the Security page forms: method, first code, phone number, texted code, device id', async () => {
      const account = await plainAccount(world);
      const console = await signedInConsole(world, account);
      const choose = await console.get(`${issuer()}/account/security/setup`);
      const csrf = hiddenField(choose.text, 'csrf');
      const post = (path: string, fields: Record<string, string>) => console.submitForm(`${issuer()}${path}`, { csrf, ...fields });
      for (const method of ['ｔｏｔｐ', 'TOTP', 'totp\u200B', '😀', 'ѕmѕ']) {
        expectRefused(await post('/account/security/setup', { method }), 'WRONG_STEP');
      }

      const qr = await console.follow(await post('/account/security/setup', { method: 'totp' }), issuer());
      const right = codeFor(textOf(qr.text, 'totp-key'), clock);
      for (const code of [fullWidth(right), arabicIndic(right)]) {
        expectRefused(await post('/account/security/setup/app', { code }), 'CODE_INVALID');
      }
      expect(await world.store.mfa.get(account.id)).toBeUndefined();

      const texts = readOutbox(world.idp.config.sms.outboxFile!).length;
      for (const phone of ['1'.repeat(10_000), `+44${'7'.repeat(9_990)}`, '+٤٤٧٤٠٠١٢٣٤٥٦', '+４４７４００１２３４５６', '\u202E+447400123456', '+44 7400 123456😀', '＋447400123456']) {
        const response = await post('/account/security/setup/sms', { phone });
        try {
          expectRefused(response, 'PHONE_INVALID');
        } catch (error) {
          throw new Error(`phone ${JSON.stringify(phone).slice(0, 40)}: ${(error as Error).message}`);
        }
        // What was typed comes back (cut short), escaped, in the form to correct it.
        expect(response.text.length).toBeLessThan(20_000);
      }
      // Ten thousand Arabic-Indic digits are 60 KB once form-encoded: over the limit before they are a number.
      expectRefused(await post('/account/security/setup/sms', { phone: '٤'.repeat(10_000) }), 'BODY_TOO_LARGE');
      expect(readOutbox(world.idp.config.sms.outboxFile!).length).toBe(texts);

      const phone = '+447400777001';
      await post('/account/security/setup/sms', { phone });
      const texted = latestCode(world.idp.config.sms.outboxFile!, phone);
      for (const code of [fullWidth(texted), arabicIndic(texted)]) {
        expectRefused(await post('/account/security/setup/sms/verify', { code }), 'CODE_INVALID');
      }
      expect(await world.store.mfa.get(account.id)).toBeUndefined();

      // Cut to 64 UTF-16 units, 'a' + emoji leaves half a surrogate pair at the end: still just "not found".
      for (const id of ['😀'.repeat(40), `a${'😀'.repeat(40)}`, '\u202Edevice', '例え'.repeat(100)]) {
        expectRefused(await post('/account/security/devices/revoke', { id }), 'DEVICE_NOT_FOUND');
      }
    });

    test('a CSRF token in other scripts or widths is not the token, on every route', async () => {
      const { routes, csrf, expectNothingChanged } = await everyFormRoute();
      const consoleCsrf = hiddenField((await routes.at(-1)!.session.get(`${issuer()}/account/security`)).text, 'csrf');
      for (const { session, url } of routes) {
        const own = url.includes('/interaction/') ? csrf : consoleCsrf;
        for (const forged of [toWide(own), `${own}\u200B`, `\u202E${own}`, own.normalize('NFKD') + '\u0301']) {
          expectRefused(await session.submitForm(url, { csrf: forged }), 'CSRF_FAILED');
        }
      }
      await expectNothingChanged();
    });
  });

  test('unknown interaction uids and uids with path tricks: a 4xx with a message, never a 500, never reflected as markup', async () => {
    const { session, page } = await atLoginPage(world);
    const uid = uidOf(page.url);
    const paths = [
      '/interaction/unknown',
      `/interaction/${uid}x`,
      `/interaction/${uid.toLowerCase()}`,
      '/interaction/%00',
      '/interaction/%ZZ',
      '/interaction/%E2%80%AE',
      '/interaction/%F0%9F%98%80',
      `/interaction/${'a'.repeat(4000)}`,
      '/interaction/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '/interaction/..%2F..%2Faccount%2Fsecurity',
      '/interaction/x%2F..%2F..%2Fhealthz',
      '/interaction/a%2Flogin',
      '/interaction/%2e%2e',
      '/interaction/uid;jsessionid=1',
      '//interaction/x',
      '/interaction//login',
      '/interaction/%2e%2e/login',
    ];
    const allowed: ErrorCode[] = ['INTERACTION_EXPIRED', 'NOT_FOUND', 'METHOD_NOT_ALLOWED'];
    for (const path of paths) {
      for (const suffix of ['', '/login', '/totp', '/backup-code', '/consent']) {
        for (const method of ['GET', 'POST']) {
          const response = await rawRequest(`${issuer()}${path}${suffix}`, {
            method,
            headers: { accept: 'text/html', origin: issuer(), 'content-type': FORM, cookie: cookieHeaderFor(session, `${issuer()}/interaction/${uid}`) },
            body: method === 'POST' ? `csrf=${hiddenField(page.text, 'csrf')}&email=x%40example.com&password=xxxxxxxxx` : undefined,
          });
          // `/interaction/%2e%2e` is `/` once its dot segments are resolved (as a browser resolves
          // them, see below): the home page, which only reads.
          if (path === '/interaction/%2e%2e' && suffix === '' && method === 'GET') {
            expect(response.status).toBe(200);
            expect(response.text).toContain('<a href="/account/security">');
            continue;
          }
          try {
            expectSome4xx(response, allowed);
          } catch (error) {
            throw new Error(`${method} ${path}${suffix}: ${(error as Error).message}`);
          }
          expect(response.text).not.toContain('<script>alert(1)');
        }
      }
    }
    // Dot segments are resolved before routing, as a browser resolves them: this IS the Security
    // page (its answer sends a stranger to sign in); it never becomes an interaction request.
    const resolved = await rawRequest(`${issuer()}/interaction/../account/security`, { headers: { accept: 'text/html' } });
    expect(resolved.status).toBe(302);
    expect(resolved.location).toBe(`${issuer()}/account/sign-in?next=%2Faccount%2Fsecurity`);
    expect(await resultOf(uid)).toBeUndefined();
    expect((await session.get(page.url)).text).toContain('autocomplete="current-password"');
  });

  test('a garbage interaction cookie: 400 "expired" on the page and every step, and the real interaction is untouched', async () => {
    const { session, page } = await atLoginPage(world);
    const uid = uidOf(page.url);
    const csrf = hiddenField(page.text, 'csrf');
    const cookies = [
      '_interaction=garbage',
      `_interaction=${uid}`,
      `_interaction=${uid}; _interaction.sig=garbage`,
      `_interaction=${uid}; _interaction.sig=${'A'.repeat(27)}`,
      `_interaction=${'x'.repeat(4000)}; _interaction.sig=y`,
      '_interaction=%ZZ; _interaction.sig=%ZZ',
      '_interaction=\u00ff\u00fe; _interaction.sig=\u00ff',
      '_interaction=; _interaction.sig=',
      `_interaction=${uid}x; _interaction.sig=x`,
    ];
    for (const cookie of cookies) {
      expectRefused(await rawRequest(`${issuer()}/interaction/${uid}`, { headers: { accept: 'text/html', cookie } }), 'INTERACTION_EXPIRED');
      for (const step of INTERACTION_STEPS) {
        const response = await rawRequest(`${issuer()}/interaction/${uid}/${step}`, {
          method: 'POST', headers: { accept: 'text/html', origin: issuer(), 'content-type': FORM, cookie }, body: `csrf=${csrf}&email=x%40example.com&password=xxxxxxxxx`,
        });
        expectRefused(response, 'INTERACTION_EXPIRED');
      }
    }
    // A real interaction cookie of another interaction, sent to this one's URL: not this browser's interaction.
    const other = await atLoginPage(world);
    const otherCookie = cookieHeaderFor(other.session, other.page.url);
    expectRefused(await rawRequest(`${issuer()}/interaction/${uid}`, { headers: { accept: 'text/html', cookie: otherCookie } }), 'INTERACTION_EXPIRED');
    expectRefused(await rawRequest(`${issuer()}/interaction/${uid}/login`, {
      method: 'POST', headers: { accept: 'text/html', origin: issuer(), 'content-type': FORM, cookie: otherCookie }, body: `csrf=${csrf}&email=x%40example.com&password=xxxxxxxxx`,
    }), 'INTERACTION_EXPIRED');
    expect(await resultOf(uid)).toBeUndefined();
    expect((await session.get(page.url)).text).toContain('autocomplete="current-password"');
  });

  test('a garbage session cookie: the Security page asks to sign in, its forms say "not signed in", authorization starts afresh', async () => {
    for (const cookie of ['_session=garbage', '_session=garbage; _session.sig=garbage', `_session=${'x'.repeat(4000)}`, '_session=%ZZ%00', '_session=\u00ff']) {
      const page = await rawRequest(`${issuer()}/account/security`, { headers: { accept: 'text/html', cookie } });
      expect(page.status).toBe(302);
      expect(page.location).toBe(`${issuer()}/account/sign-in?next=%2Faccount%2Fsecurity`);
      for (const path of CONSOLE_POSTS) {
        expectRefused(await rawRequest(`${issuer()}${path}`, { method: 'POST', headers: { accept: 'text/html', origin: issuer(), 'content-type': FORM, cookie }, body: 'csrf=x' }), 'NOT_SIGNED_IN');
      }
    }
  });

  test('garbage, huge, and right-shaped-but-unknown trusted-device cookies: the code is still asked for, and nothing breaks', async () => {
    const account = await totpAccount(world);
    const trusted = await trustABrowser(world, account);
    const realToken = [...trusted.cookies.values()].find((c) => c.name === 'oidc-mfa-trusted')!.value;
    const values = [
      'garbage',
      '',
      'A'.repeat(43),
      `${realToken.slice(0, -1)}${realToken.endsWith('A') ? 'B' : 'A'}`,
      `${realToken}x`,
      `${realToken}%00`,
      'x'.repeat(8000),
      '%ZZ%00',
      '\u00ff\u00fe',
    ];
    for (const value of values) {
      const browser = new HttpSession();
      const { page: login } = await atLoginPage(world, 'first-party-app', browser);
      const url = formAction(login.text, '/login', issuer());
      const response = await rawPost(browser, url, `csrf=${encodeURIComponent(hiddenField(login.text, 'csrf'))}&email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(ABUSE_PASSWORD)}`, {
        'content-type': FORM, cookie: `${cookieHeaderFor(browser, url)}; oidc-mfa-trusted=${value}`,
      });
      // Not skipped: the answer is the way to the code page, never the resume URL with a result.
      expect(response.status).toBe(303);
      expect(response.location).toBe(`${issuer()}/interaction/${uidOf(login.url)}`);
      expect(await resultOf(uidOf(login.url))).toBeUndefined();
      expectNoInternals(response);
      // The trusted-devices page with the same cookie: no device is "this device".
      const console = await signedInConsole(world, account);
      const devices = await rawRequest(`${issuer()}/account/security/devices`, { headers: { accept: 'text/html', cookie: `${cookieHeaderFor(console, `${issuer()}/account/security/devices`)}; oidc-mfa-trusted=${value}` } });
      expect(devices.status).toBe(200);
      expect(devices.text).not.toContain('This device');
    }
    // A cookie header past Node's 16 KiB limit never reaches our code: Node answers 431 itself, with no body.
    const huge = await rawRequest(`${issuer()}/interaction/x`, { headers: { cookie: `oidc-mfa-trusted=${'x'.repeat(20_000)}` } });
    expect(huge.status).toBe(431);
    expect(huge.text).toBe('');
    // The genuine token still works after all that: nothing about the device was changed.
    for (const key of [...trusted.cookies.keys()]) if (!key.startsWith('oidc-mfa-trusted;')) trusted.cookies.delete(key);
    const again = await afterPassword(world, account.email, 'first-party-app', trusted);
    expect(isCallback(again.page)).toBe(true);
  });

  test('login_hint with markup is shown escaped; a 10k-character login_hint is cut to the email limit', async () => {
    const session = new HttpSession();
    const hostile = '"><img src=x onerror=alert(1)>@example.com';
    const client = await discoverClient(issuer(), 'first-party-app');
    for (const hint of [hostile, 'h'.repeat(10_000)]) {
      const login = await session.follow(await session.get((await buildAuthorization(client, { login_hint: hint })).url), issuer());
      expect(login.status).toBe(200);
      expect(login.text).not.toContain('<img src=x');
      expect(login.text).not.toContain('h'.repeat(255));
      expectNoInternals(login);
    }
  });
});

function toWide(token: string): string {
  return [...token].map((ch) => (/[!-~]/.test(ch) ? String.fromCodePoint(ch.codePointAt(0)! + 0xfee0) : ch)).join('');
}

