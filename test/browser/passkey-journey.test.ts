import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium, screenshotter } from '../helpers/chromium.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { startDemoStack, type DemoStack } from '../helpers/start-demo-stack.ts';
import { openTestStore, type TestStore } from '../helpers/test-stores.ts';

const EMAIL = 'passkey-browser@example.com';
const PASSWORD = 'a password typed in a browser';

/**
 * A person in Debian's Chromium with a virtual platform authenticator (the DevTools protocol's
 * WebAuthn domain: CTAP2, internal transport, resident keys, user verification): the real
 * browser runs our passkey.js and the served @simplewebauthn/browser bundle under the strict CSP.
 * The issuer is http://localhost:<port>: browsers refuse an IP address as the RP ID.
 */
describe.each([375, 1280])('a person with a passkey in Chromium at %ipx', (width) => {
  const clock = createFakeClock(Date.now());
  let browser: Browser;
  let testStore: TestStore;
  let stack: DemoStack;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId = '';
  const shot = screenshotter(`passkey-journey-${width}`);
  const cspViolations: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    testStore = await openTestStore('sqlite');
    stack = await startDemoStack(testStore.store, clock, 'localhost');
    await stack.idp.directory.add({ email: EMAIL, password: PASSWORD, name: 'Passkey Person' });
    page = await browser.newPage({ viewport: { width, height: 800 } });
    page.setDefaultTimeout(8000);
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await testStore?.dispose();
  });

  async function signInWithPassword() {
    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForSelector('#password');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  /** The demo app's consent is remembered per account and app (since the merge of remembered consent): Allow only when asked. */
  async function allowIfAskedThenBackAtDemo() {
    const allow = page.getByRole('button', { name: 'Allow' });
    await Promise.race([page.waitForURL(`${stack.demoUrl}/`), allow.waitFor()]);
    if (await allow.isVisible()) await allow.click();
    await page.waitForURL(`${stack.demoUrl}/`);
  }

  test('adds a passkey on the Security page, signs in with the password and the passkey, then with the passkey alone: the token says phr', async () => {
    await signInWithPassword();
    await allowIfAskedThenBackAtDemo();

    await page.getByRole('link', { name: /Security settings/ }).click();
    await page.waitForSelector('#mfa-heading');
    await page.getByRole('link', { name: 'Set up' }).click();
    await page.getByLabel(/Use a passkey/).check();
    await shot(page, 'choose-passkey');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForSelector('form[data-passkey="register"]');
    await page.fill('#name', 'Virtual laptop');
    await shot(page, 'name-passkey');
    await page.getByRole('button', { name: 'Create passkey' }).click();
    await page.waitForSelector('#backup-code');
    await shot(page, 'passkey-ready');
    await page.getByRole('button', { name: "I've saved it" }).click();
    await page.waitForSelector('text=Passkey “Virtual laptop”');
    await shot(page, 'security-with-passkey');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);

    // A fresh browser profile's cookies (the passkey stays on the virtual authenticator): the password, then the passkey.
    await page.context().clearCookies();
    await signInWithPassword();
    await page.waitForSelector('form[data-passkey="authenticate"]');
    await shot(page, 'use-passkey');
    await page.getByRole('button', { name: 'Use passkey' }).click();
    await allowIfAskedThenBackAtDemo();
    const body = (await page.textContent('body'))!;
    expect(body).toContain('phr');
    expect(body).toContain('pop');
    await shot(page, 'demo-signed-in-with-passkey');

    // "Sign in with a passkey": no password at all; the virtual authenticator's discoverable credential answers.
    await page.context().clearCookies();
    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForSelector('form[data-passkey="discover"]');
    await shot(page, 'sign-in-with-passkey-offered');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await allowIfAskedThenBackAtDemo();
    const passwordless = (await page.textContent('body'))!;
    expect(passwordless).toContain('phr');
    expect(passwordless).not.toContain('pwd');
    await shot(page, 'demo-signed-in-passwordless');
    expect(cspViolations).toEqual([]);
  }, 120_000);

});
