import { expectRefused, uidOf } from '../../helpers/abuse.ts';
import { ABUSE_PASSWORD, afterPassword, atLoginPage, plainAccount, signedInConsole, STEP_MS, totpAccount, trustABrowser } from '../../helpers/abuse-accounts.ts';
import { formAction, hiddenField } from '../../helpers/http-session.ts';
import { codeFor } from '../../helpers/mfa-flow.ts';
import { isCallback } from '../../helpers/oidc-flow.ts';
import { readOutbox } from '../../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../../helpers/test-stores.ts';
import { FORM, useMalformedInputWorld } from './malformed-kit.ts';

/**
 * Request bodies and their fields: too large, the wrong content type, malformed urlencoded,
 * repeated fields, someone else's device id, NUL and control characters.
 * The shared set-up and helpers are in ./malformed-kit.ts.
 */
describe.each(STORE_KINDS)('malformed input on %s: request bodies and fields', (kind) => {
  const { world, clock, issuer, resultOf, rawPost, rawSubmit, everyFormRoute } = useMalformedInputWorld(kind);

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
});
