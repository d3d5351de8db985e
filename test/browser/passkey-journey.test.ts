import type { CDPSession, Page } from 'playwright-core';
import { screenshotter } from '../helpers/chromium.ts';
import { openChromiumDemo, type ChromiumDemo } from '../helpers/chromium-demo.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import type { DemoStack } from '../helpers/start-demo-stack.ts';
import type { TestStore } from '../helpers/test-stores.ts';

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
  let demo: ChromiumDemo;
  let testStore: TestStore;
  let stack: DemoStack;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId = '';
  const shot = screenshotter(`passkey-journey-${width}`);
  const cspViolations: string[] = [];

  beforeAll(async () => {
    demo = await openChromiumDemo(width, { clock, issuerHost: 'localhost', stepTimeoutMs: 8000 });
    ({ testStore, stack, page } = demo);
    await stack.idp.directory.add({ email: EMAIL, password: PASSWORD, name: 'Passkey Person' });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    }));
  });

  afterAll(() => demo?.close());

  /** Whether the virtual authenticator answers by itself (the person touching it), or leaves requests waiting. */
  const presence = (enabled: boolean) => cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled });

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

  test('adds a passkey on the Security page, signs in with the password and the passkey, then with the passkey alone (button and autofill), signs out, removes it: the token says phr', async () => {
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
    // Sign out from the Security page (oidc-provider's end_session, confirmed on our page).
    await page.getByRole('link', { name: 'Sign out', exact: true }).click();
    await shot(page, 'sign-out-confirm');
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForSelector('h1:has-text("Signed out")');
    await shot(page, 'signed-out');

    // A fresh browser profile's cookies (the passkey stays on the virtual authenticator): the password, then the passkey.
    // The sign-in page offers the passkey in the email field's autofill (conditional UI); the virtual
    // authenticator would pick it at once, so it stays unanswered (no user presence) while this person types the password.
    await page.context().clearCookies();
    await presence(false);
    await signInWithPassword();
    await page.waitForSelector('form[data-passkey="authenticate"]');
    await presence(true);
    await shot(page, 'use-passkey');
    await page.getByRole('button', { name: 'Use passkey' }).click();
    await allowIfAskedThenBackAtDemo();
    const body = (await page.textContent('body'))!;
    expect(body).toContain('phr');
    expect(body).toContain('pop');
    await shot(page, 'demo-signed-in-with-passkey');

    // "Sign in with a passkey": no password at all; the virtual authenticator's discoverable credential answers
    // the button's dialog (the autofill request, unanswered, is aborted by the press).
    await page.context().clearCookies();
    await presence(false);
    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForSelector('form[data-passkey="discover"]');
    expect(await page.getAttribute('#email', 'autocomplete')).toBe('username webauthn');
    await shot(page, 'sign-in-with-passkey-offered');
    // A waiting request is not answered when presence comes back; the button's new one is.
    await presence(true);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await allowIfAskedThenBackAtDemo();
    const passwordless = (await page.textContent('body'))!;
    expect(passwordless).toContain('phr');
    expect(passwordless).not.toContain('pwd');
    await shot(page, 'demo-signed-in-passwordless');

    // Conditional UI: arriving at the sign-in page, the passkey offered in the email field's autofill is picked
    // (the virtual authenticator stands in for the person choosing it) and signs in without a button.
    await page.context().clearCookies();
    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await allowIfAskedThenBackAtDemo();
    const fromAutofill = (await page.textContent('body'))!;
    expect(fromAutofill).toContain('phr');
    expect(fromAutofill).not.toContain('pwd');

    // Remove it on the Security page (the passkey sign-in just made is recent enough), then sign out there.
    await page.getByRole('link', { name: /Security settings/ }).click();
    await page.waitForSelector('text=Passkey “Virtual laptop”');
    await page.getByRole('button', { name: 'Remove Passkey “Virtual laptop”' }).click();
    // The last method: removing it turns 2-step verification off, after a confirmation.
    await page.waitForSelector('text=Turn off 2-step verification?');
    await shot(page, 'remove-last-passkey-confirm');
    await page.getByRole('button', { name: 'Turn off' }).click();
    await page.waitForLoadState();
    await shot(page, 'passkey-removed');
    const account = (await testStore.store.accounts.findByEmail(EMAIL))!;
    expect((await testStore.store.mfa.get(account.id))?.credentials ?? []).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 120_000);

});
