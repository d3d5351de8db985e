import path from 'node:path';
import { createAccountDirectory } from '../../../src/hosted/account-directory.ts';
import { systemClock } from '../../../src/clock.ts';
import type { MfaRecord } from '../../../src/mfa/mfa-store.ts';
import { ACR, AMR } from '../../../src/oidc/acr.ts';
import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.ts';
import { hiddenField, HttpSession, type HttpResponse } from '../../helpers/http-session.ts';
import { openSecurityPage, submitCode, textOf } from '../../helpers/mfa-flow.ts';
import { isCallback, redeemCode, submitPassword } from '../../helpers/oidc-flow.ts';
import { realTotp } from '../../helpers/real-totp.ts';
import { addAccountWithCli } from '../../helpers/server-process.ts';
import { appOf, phoneOf } from '../../helpers/mfa-records.ts';
import { PASSWORD, startSignIn, TEST_TIMEOUT_MS, useFaultDeployments } from './faults-kit.ts';

/**
 * The provider killed (SIGKILL) during enrolment, and a clean restart (SIGTERM), on the same
 * SQLite DATA_DIR: the file holds an enrolment wholly or not at all, and the next process (on a
 * new port, the same issuer) agrees with it.
 * The shared set-up (the proxy as ISSUER, the provider processes, the clean-up) is in ./faults-kit.ts.
 */
const { deployment } = useFaultDeployments();

/** The account and its MFA record, read straight from the SQLite file (the provider has exited). */
async function readSqlite(dataDir: string, email: string): Promise<{ accountId: string; record: MfaRecord | undefined }> {
  const store = openSqliteStore({ file: path.join(dataDir, 'oidc-mfa.sqlite'), sweepIntervalMs: 0 });
  try {
    const account = await createAccountDirectory(store.accounts, systemClock).findByEmail(email);
    if (!account) throw new Error(`no account ${email} in the SQLite file`);
    return { accountId: account.id, record: await store.mfa.get(account.id) };
  } finally {
    await store.close();
  }
}

describe('the provider is killed (SIGKILL) during enrolment, then restarted on the same SQLite DATA_DIR', () => {
  /** Which outcome each kill produced (both are correct; printed once, for the record). */
  const killOutcomes: string[] = [];
  afterAll(() => {
    if (killOutcomes.length > 0) console.log(killOutcomes.join('\n'));
  });

  /** Signs in on the Security page, chooses the app, and returns the QR page with its key. */
  async function startEnrolment(issuer: string, email: string) {
    const console = new HttpSession();
    const security = await openSecurityPage(console, issuer, { email, password: PASSWORD });
    expect(security.text).toContain('2-step verification');
    const choose = await console.follow(await console.get(`${issuer}/account/security/setup`), issuer);
    const qrPage = await console.follow(await console.postForm(`${issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'totp' }), issuer);
    expect(qrPage.text).toContain('<svg');
    return { console, qrPage, key: textOf(qrPage.text, 'totp-key') };
  }

  test('killed after the QR page was shown: nothing is enrolled, and the sign-in after restart needs only the password', async () => {
    const { env, dataDir, issuer, start } = await deployment();
    const email = 'killed-at-qr@example.com';
    await addAccountWithCli(env, email, PASSWORD);
    const first = await start('provider 1');
    await startEnrolment(issuer, email);

    const exit = await first.kill();
    expect(exit.signal).toBe('SIGKILL');

    const { record } = await readSqlite(dataDir, email);
    expect(record).toBeUndefined();

    await start('provider 2');
    const signIn = await startSignIn(issuer);
    const callback = await submitPassword(signIn.browser, issuer, signIn.page, email, PASSWORD);
    expect(isCallback(callback)).toBe(true);
    const claims = (await redeemCode(signIn.client, callback, signIn.authorization)).claims()!;
    expect(claims.amr).toEqual([...AMR.password]);
    expect(claims.acr).toBe(ACR.password);
  }, TEST_TIMEOUT_MS);

  // 0 ms: the instant the confirming POST was written to the provider; later kills land during or after its work.
  test.each([0, 60, 500])('killed %i ms after the confirming POST was sent: fully enrolled or not at all, and the sign-in after restart agrees', async (delayMs) => {
    const { proxy, env, dataDir, issuer, start } = await deployment();
    const email = `killed-at-confirm-${delayMs}@example.com`;
    await addAccountWithCli(env, email, PASSWORD);
    const first = await start('provider 1');
    const totp = realTotp();
    const { console, qrPage, key } = await startEnrolment(issuer, email);

    const sent = proxy.whenForwarded((r) => r.method === 'POST' && r.path === '/account/security/setup/app');
    const confirming = console.postForm(`${issuer}/account/security/setup/app`, { csrf: hiddenField(qrPage.text, 'csrf'), code: totp.code(key) })
      .catch((error: unknown) => error);
    await sent;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const exit = await first.kill();
    const answer = await confirming;
    // Either the provider answered before it died (a 303 to the new backup code's page), or the browser saw the connection drop (502 from the proxy).
    const answered = (answer as HttpResponse).status === 303 && Boolean((answer as HttpResponse).location?.endsWith('/account/security/backup-code/new'));

    const { record } = await readSqlite(dataDir, email);
    const enrolled = Boolean(appOf(record));
    if (enrolled) {
      expect(appOf(record)!.sealedSecret).toEqual(expect.any(String));
      expect(record!.backupCodeHash).toEqual(expect.any(String));
      expect(record!.backupCodeCreatedAt).toEqual(expect.any(Number));
    } else {
      // Not at all: no record (or, at most, one without any factor or backup code).
      expect(appOf(record)).toBeNull();
      expect(record?.backupCodeHash ?? null).toBeNull();
      expect(phoneOf(record)).toBeNull();
    }
    // The browser sent on to its new backup code means the enrolment is stored.
    if (answered) expect(enrolled).toBe(true);

    await start('provider 2');
    const signIn = await startSignIn(issuer);
    const next = await submitPassword(signIn.browser, issuer, signIn.page, email, PASSWORD);
    if (enrolled) {
      expect(next.text).toContain('autocomplete="one-time-code"');
      await totp.ready();
      const callback = await submitCode(signIn.browser, issuer, next, totp.code(key));
      expect(isCallback(callback)).toBe(true);
      expect((await redeemCode(signIn.client, callback, signIn.authorization)).claims()?.amr).toEqual([...AMR.totp]);
    } else {
      expect(isCallback(next)).toBe(true);
      expect((await redeemCode(signIn.client, next, signIn.authorization)).claims()?.amr).toEqual([...AMR.password]);
    }
    expect(exit.signal).toBe('SIGKILL');
    killOutcomes.push(`killed ${delayMs} ms after the confirming POST: ${enrolled ? 'enrolled' : 'not enrolled'}${answered ? ', backup code shown' : ', no answer'}`);
  }, TEST_TIMEOUT_MS);
});

describe('the SQLite file survives a restart', () => {
  test('signed in and enrolled on process 1; after SIGTERM, process 2 on the same DATA_DIR keeps the session and asks a new sign-in for the code', async () => {
    const { env, issuer, start, dataDir } = await deployment();
    const email = 'restart@example.com';
    await addAccountWithCli(env, email, PASSWORD);
    const first = await start('provider 1');
    const totp = realTotp();
    const browser = new HttpSession();
    const security = await openSecurityPage(browser, issuer, { email, password: PASSWORD });
    expect(security.text).toContain('id="mfa-heading"');
    const choose = await browser.follow(await browser.get(`${issuer}/account/security/setup`), issuer);
    const qrPage = await browser.follow(await browser.postForm(`${issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'totp' }), issuer);
    const key = textOf(qrPage.text, 'totp-key');
    const done = await browser.submitForm(`${issuer}/account/security/setup/app`, { csrf: hiddenField(qrPage.text, 'csrf'), code: totp.code(key) });
    expect(textOf(done.text, 'backup-code')).toMatch(/-/);

    const exit = await first.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(appOf((await readSqlite(dataDir, email)).record)).toEqual(expect.objectContaining({ sealedSecret: expect.any(String) }));

    const second = await start('provider 2');
    expect(second.port).not.toBe(first.port);

    // The browser's session is still signed in: the Security page, not the sign-in page, with MFA on.
    const page = await browser.follow(await browser.get(`${issuer}/account/security`), issuer);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${issuer}/account/security`);
    expect(page.text).not.toContain('autocomplete="current-password"');
    expect(page.text).toContain(email);
    expect(page.text).toMatch(/<strong>On<\/strong>/);

    // A new sign-in asks for the code, and the code from the app signs in.
    const signIn = await startSignIn(issuer);
    const challenge = await submitPassword(signIn.browser, issuer, signIn.page, email, PASSWORD);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    await totp.ready();
    const callback = await submitCode(signIn.browser, issuer, challenge, totp.code(key));
    expect(isCallback(callback)).toBe(true);
    expect((await redeemCode(signIn.client, callback, signIn.authorization)).claims()?.amr).toEqual([...AMR.totp]);
  }, TEST_TIMEOUT_MS);
});
