import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { totpCode, timeStep } from '../../src/factors/totp/totp.ts';
import { base32Decode } from '../helpers/base32.ts';
import { screenshotter } from '../helpers/chromium.ts';
import { openChromiumDemo, type ChromiumDemo } from '../helpers/chromium-demo.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { latestCode } from '../helpers/sms-outbox.ts';
import type { DemoStack } from '../helpers/start-demo-stack.ts';

const EMAIL = 'browser@example.com';
const PASSWORD = 'a password typed in a browser';
const PHONE = '+447400123456';

describe.each([375, 1280])('a person in Chromium at %ipx', (width) => {
  const clock = createFakeClock(Date.now());
  let demo: ChromiumDemo;
  let stack: DemoStack;
  let page: Page;
  const shot = screenshotter(`mfa-journey-${width}`);

  beforeAll(async () => {
    demo = await openChromiumDemo(width, { clock });
    ({ stack, page } = demo);
    await stack.idp.directory.add({ email: EMAIL, password: PASSWORD, name: 'Browser Person' });
  });

  afterAll(() => demo?.close());

  async function signInWithPassword() {
    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForSelector('#password');
    await shot(page, 'sign-in');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  /** Consent is remembered per account and app: asked at the first sign-in, and again only once access was removed. */
  async function allow() {
    await page.waitForSelector('h1:has-text("Allow access?")');
    await page.getByRole('button', { name: 'Allow' }).click();
  }

  async function signOut() {
    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForSelector('text=Yes, sign me out');
    await shot(page, 'sign-out');
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${stack.demoUrl}/`);
  }

  /** Item 9: the new backup code on one line, copied, downloaded (a file with that code) and printed (the code, no buttons). */
  async function keepBackupCode(backupCode: string) {
    expect(await page.locator('#backup-code').evaluate((code) => code.getClientRects().length)).toBe(1);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy code' }).click();
    await page.waitForSelector('button:has-text("Copied")');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(backupCode);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('backup-code.txt');
    expect(readFileSync((await download.path())!, 'utf8')).toContain(`\n${backupCode}\n`);
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#backup-code')).toBe(true);
    expect(await page.getByRole('button', { name: "I've saved it" }).isVisible()).toBe(false);
    await page.emulateMedia({ media: null });
  }

  test('sets up the app, signs in with a code and trusts the device, skips the code, revokes it, uses the backup code, adds text messages beside the app', async () => {
    // A wrong password first: the error state is held to the same checks (title, summary, aria-invalid, axe-core).
    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.fill('#email', EMAIL);
    await page.fill('#password', 'not the password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForSelector('.error-summary');
    expect(await page.title()).toMatch(/^Error: Sign in · /);
    expect(await page.getAttribute('#password', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('.error-summary a', 'href')).toBe('#email');
    await shot(page, 'sign-in-wrong-password');
    // The favicon is served under the strict CSP (img-src 'self').
    const favicon = await page.request.get(await page.locator('link[rel="icon"]').evaluate((link) => (link as HTMLLinkElement).href));
    expect(favicon.headers()['content-type']).toBe('image/svg+xml');

    await signInWithPassword();
    await page.waitForSelector('text=Allow access?');
    await shot(page, 'consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${stack.demoUrl}/`);
    expect(await page.textContent('body')).toContain('urn:oidc-mfa:password');
    await shot(page, 'demo-signed-in');

    await page.getByRole('link', { name: /Security settings/ }).click();
    await page.waitForSelector('#mfa-heading');
    await shot(page, 'security-off');
    await page.getByRole('link', { name: 'Set up' }).click();
    await shot(page, 'choose-method');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForSelector('#totp-key');
    await shot(page, 'scan-qr');
    expect(await page.locator('figure.qr svg').count()).toBe(1);
    const key = (await page.textContent('#totp-key'))!.replace(/\s/g, '');
    const secret = base32Decode(key);
    // Item 9: on the phone itself, the same key opens in the authenticator app (Key Uri Format).
    const openApp = new URL((await page.getAttribute('#open-app', 'href'))!);
    expect(openApp.protocol).toBe('otpauth:');
    expect(openApp.searchParams.get('secret')).toBe(key);
    await page.fill('#code', totpCode(secret, timeStep(clock())));
    await page.getByRole('button', { name: 'Verify and turn on' }).click();
    await page.waitForSelector('#backup-code');
    const backupCode = (await page.textContent('#backup-code'))!.trim();
    await shot(page, 'backup-code');
    await keepBackupCode(backupCode);
    await page.getByRole('button', { name: "I've saved it" }).click();
    await page.waitForSelector('text=Authenticator app · since');
    await shot(page, 'security-on');

    await signOut();
    clock.advance(30_000);
    await signInWithPassword();
    await page.waitForSelector('#code');
    expect(await page.getAttribute('#code', 'autocomplete')).toBe('one-time-code');
    expect(await page.getAttribute('#code', 'inputmode')).toBe('numeric');
    await page.fill('#code', totpCode(secret, timeStep(clock())));
    await page.getByLabel(/Trust this device/).check();
    await shot(page, 'code-trust-this-device');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    // Allowed at the first sign-in: not asked again.
    await page.waitForURL(`${stack.demoUrl}/`);
    expect(await page.textContent('body')).toContain('pwd, otp, mfa');
    await shot(page, 'demo-signed-in-with-code');

    // Same browser, later: the password alone, and the token says "remembered device".
    await signOut();
    await signInWithPassword();
    await page.waitForURL(`${stack.demoUrl}/`);
    expect(await page.textContent('body')).toContain('urn:oidc-mfa:mfa:remembered-device');
    await shot(page, 'demo-remembered-device');

    // Revoke the device: a sensitive change, so password and code again first.
    await page.goto(`${stack.idp.issuer}/account/security/devices`);
    await page.getByRole('link', { name: /Sign in again/ }).click();
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    clock.advance(30_000);
    await page.fill('#code', totpCode(secret, timeStep(clock())));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.waitForSelector('text=This device');
    await shot(page, 'trusted-devices');
    await page.getByRole('button', { name: 'Revoke all' }).click();
    await page.waitForSelector('text=No trusted devices.');

    await signOut();
    await signInWithPassword();
    await page.waitForSelector('#code');
    await page.getByRole('link', { name: 'Use backup code' }).click();
    await shot(page, 'backup-code-form');
    await page.fill('#code', backupCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForSelector('#backup-code');
    expect((await page.textContent('#backup-code'))!.trim()).not.toBe(backupCode);
    await shot(page, 'new-backup-code');
    await page.getByRole('button', { name: "I've saved it" }).click();
    await page.waitForURL(`${stack.demoUrl}/`);
    expect(await page.textContent('body')).toContain('pwd, mfa, backup-code');

    // Add text messages beside the app (several methods per account), reading the code from the development outbox.
    await page.goto(`${stack.idp.issuer}/account/security`);
    await page.getByRole('link', { name: 'Add a method' }).click();
    await page.getByLabel(/Use text message/).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.fill('#phone', PHONE);
    await shot(page, 'sms-phone');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.waitForSelector('#code');
    // Item 9: the masked number is never broken across lines.
    expect(await page.locator('#code-status strong').evaluate((phone) => phone.getClientRects().length)).toBe(1);
    await shot(page, 'sms-code');
    await page.fill('#code', latestCode(stack.idp.config.sms.outboxFile!, PHONE));
    await page.getByRole('button', { name: 'Verify and turn on' }).click();
    await page.waitForSelector('#backup-code');
    await page.getByRole('button', { name: "I've saved it" }).click();
    await page.waitForSelector('text=Text message to +44');
    await shot(page, 'security-sms');

    // Apps with access: the demo app, what it may see; Remove access, and its next sign-in asks again.
    await page.locator('#apps').scrollIntoViewIfNeeded();
    expect(await page.textContent('#apps')).toContain('See your email address');
    await shot(page, 'apps-with-access');
    await page.getByRole('button', { name: /^Remove access for / }).click();
    await page.waitForSelector('text=Access removed.');
    expect(await page.locator('#apps li.app').count()).toBe(0);
    await shot(page, 'access-removed');
    await signOut();
    clock.advance(30_000);
    await signInWithPassword();
    await page.fill('#code', totpCode(secret, timeStep(clock())));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await allow();
    await page.waitForURL(`${stack.demoUrl}/`);

    // An error page is held to the same checks: a sign-in that does not exist.
    await page.goto(`${stack.idp.issuer}/interaction/no-such-sign-in`);
    await page.waitForSelector('text=Error code');
    expect(await page.title()).toMatch(/^Error: /);
    await shot(page, 'error-page');
  }, 90_000);
});
