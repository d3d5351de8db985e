import type { ErrorCode } from '../../../src/errors.ts';
import { expectRefused, uidOf } from '../../helpers/abuse.ts';
import { ABUSE_PASSWORD, afterPassword, atLoginPage, plainAccount, signedInConsole, smsAccount, STEP_MS, totpAccount } from '../../helpers/abuse-accounts.ts';
import { formAction, hiddenField } from '../../helpers/http-session.ts';
import { codeFor, textOf } from '../../helpers/mfa-flow.ts';
import { isCallback } from '../../helpers/oidc-flow.ts';
import { latestCode, readOutbox } from '../../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../../helpers/test-stores.ts';
import { arabicIndic, devanagari, fullWidth, toWide, useMalformedInputWorld } from './malformed-kit.ts';

/**
 * Unicode in every field of every form: look-alike, combining, zero-width, RTL, full-width and
 * other-script forms of emails, passwords, codes, phone numbers, device ids and CSRF tokens.
 * The shared set-up and helpers are in ./malformed-kit.ts.
 */
describe.each(STORE_KINDS)('malformed input on %s: unicode in every field', (kind) => {
  const { world, clock, issuer, resultOf, everyFormRoute } = useMalformedInputWorld(kind);

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
});
