import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { ABUSE_PASSWORD, abuseConfig, twoMethodAccount } from '../helpers/abuse-accounts.ts';
import { launchChromium, screenshotter } from '../helpers/chromium.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { codeFor } from '../helpers/mfa-flow.ts';
import { startIdp, type TestIdp } from '../helpers/start-idp.ts';
import { openTestStore, type TestStore } from '../helpers/test-stores.ts';

const PRODUCT = 'Acme Account';

/**
 * Issue 13 §7–9: the pages the journeys pass quickly or not at all — the home page, the Security
 * page with two methods, Backup code, Trusted devices, Add a method, a refused phone number (the
 * error summary), Turn off, Sign out everywhere — under a brand (its name, a logo from another
 * origin, and a green that passes 4.5:1 on white), each one screenshotted and held to axe-core in light and dark and to "nothing
 * scrolls sideways" (screenshotter), at 375 and 1280 px.
 */
describe.each([375, 1280])('a tour of the pages in Chromium at %ipx', (width) => {
  const clock = createFakeClock(Date.now());
  let browser: Browser;
  let testStore: TestStore;
  let idp: TestIdp;
  let page: Page;
  let logoServer: Server;
  const cspViolations: string[] = [];
  const shot = screenshotter(`page-tour-${width}`);

  beforeAll(async () => {
    browser = await launchChromium();
    testStore = await openTestStore('sqlite', clock);
    // The brand's logo lives on another origin (a CDN in real life): the CSP must let that image, and only it, in.
    logoServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/svg+xml' });
      response.end('<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40" rx="6" fill="#0b5d1e"/></svg>');
    });
    await new Promise<void>((resolve) => logoServer.listen(0, '127.0.0.1', resolve));
    const logoUrl = `http://127.0.0.1:${(logoServer.address() as AddressInfo).port}/logo.svg`;
    const config = abuseConfig();
    idp = await startIdp({ store: testStore.store, clock, config: { ...config, mfa: { ...config.mfa!, productName: PRODUCT, primaryColor: '#0b5d1e', logoUrl } } });
    page = await browser.newPage({ viewport: { width, height: 800 } });
    page.setDefaultTimeout(8000);
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    logoServer?.closeAllConnections();
    await new Promise((resolve) => logoServer?.close(resolve));
    await testStore?.dispose();
  });

  test('home, Security, Backup code, Trusted devices, Add a method, a refused number, Turn off, Sign out everywhere', async () => {
    const account = await twoMethodAccount({ idp, store: testStore.store, clock }, `tour${width}`);

    await page.goto(`${idp.issuer}/`);
    expect(await page.title()).toBe(`Sign-in and security · ${PRODUCT}`);
    // The logo loaded under the CSP, named by the product for those who do not see it.
    await page.waitForFunction(() => (document.querySelector('p.logo img') as HTMLImageElement | null)?.complete);
    expect(await page.locator('p.logo img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(160);
    expect(await page.getAttribute('p.logo img', 'alt')).toBe(PRODUCT);
    await shot(page, 'home');

    await page.goto(`${idp.issuer}/account/security`);
    await page.fill('#email', account.email);
    await page.fill('#password', ABUSE_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForSelector('#code');
    clock.advance(30_000);
    await page.fill('#code', codeFor(account.key, clock));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.waitForSelector('#mfa-heading');
    expect(await page.textContent('#mfa-heading')).toBe('2-step verification');
    // The brand's colour reaches the page through /static/brand.css (light scheme).
    expect(await page.locator('a[href$="/account/security/setup"]').evaluate((link) => getComputedStyle(link).color)).toBe('rgb(11, 93, 30)');
    await shot(page, 'security-two-methods');

    await page.getByRole('link', { name: 'Backup code' }).click();
    await page.waitForSelector('h1:has-text("Backup code")');
    await shot(page, 'backup-code-manage');

    await page.goto(`${idp.issuer}/account/security/devices`);
    await shot(page, 'trusted-devices-none');

    await page.goto(`${idp.issuer}/account/security/setup`);
    await shot(page, 'add-a-method');
    await page.getByLabel(/Use text message/).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.fill('#phone', 'call me maybe');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.waitForSelector('.error-summary');
    expect(await page.title()).toMatch(new RegExp(`^Error: Set up text messages · ${PRODUCT}$`));
    expect(await page.getAttribute('#phone', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('.error-summary a', 'href')).toBe('#phone');
    await shot(page, 'phone-refused');

    await page.goto(`${idp.issuer}/account/security/turn-off`);
    await page.waitForSelector('h1:has-text("Turn off 2-step verification?")');
    await shot(page, 'turn-off');

    await page.goto(`${idp.issuer}/account/security`);
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForSelector('a:has-text("Sign in again")');
    await shot(page, 'signed-out-everywhere');
    expect(cspViolations).toEqual([]);
  }, 90_000);
});
