import type { Page } from 'playwright-core';
import { ABUSE_PASSWORD, STEP_MS, totpAccount } from '../helpers/abuse-accounts.ts';
import { screenshotter } from '../helpers/chromium.ts';
import { openChromiumDemo, type ChromiumDemo } from '../helpers/chromium-demo.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { codeFor } from '../helpers/mfa-flow.ts';
import type { DemoStack } from '../helpers/start-demo-stack.ts';
import type { TestStore } from '../helpers/test-stores.ts';

/**
 * Issue 13 §6 as a person meets it in Chromium set to Canadian French: the sign-in in French (its
 * Accept-Language), the switcher to English and back on the same page without losing the
 * sign-in, a wrong code and its French error, consent, and a French error page; every state
 * screenshotted and held to axe-core (light and dark) by the screenshotter.
 */
describe.each([375, 1280])('the pages in French in Chromium at %ipx', (width) => {
  const clock = createFakeClock(Date.now());
  let demo: ChromiumDemo;
  let testStore: TestStore;
  let stack: DemoStack;
  let page: Page;
  const shot = screenshotter(`languages-${width}`);

  beforeAll(async () => {
    // The browser's own language: Chromium sends Accept-Language fr-CA.
    demo = await openChromiumDemo(width, { clock, storeClock: true, locale: 'fr-CA' });
    ({ testStore, stack, page } = demo);
  });

  afterAll(() => demo?.close());

  const heading = () => page.locator('h1').textContent();
  const lang = () => page.getAttribute('html', 'lang');

  test('a whole sign-in in French, the switcher both ways on the same page, a wrong code, consent, an error page', async () => {
    const account = await totpAccount({ idp: stack.idp, store: testStore.store, clock }, `francais${width}`);

    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForSelector('#password');
    expect(await lang()).toBe('fr-CA');
    expect(await heading()).toBe('Se connecter');
    await shot(page, 'se-connecter');

    // The switcher: the same sign-in page, in English, then back; the sign-in itself goes on.
    const signInUrl = page.url();
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForSelector('h1:has-text("Sign in")');
    expect(page.url()).toBe(signInUrl);
    expect(await lang()).toBe('en');
    await shot(page, 'sign-in-english');
    await page.getByRole('link', { name: 'Français' }).click();
    await page.waitForSelector('h1:has-text("Se connecter")');
    expect(page.url()).toBe(signInUrl);

    await page.fill('#email', account.email);
    await page.fill('#password', ABUSE_PASSWORD);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForSelector('#code');
    expect(await heading()).toBe('Entrez votre code');
    await shot(page, 'entrez-votre-code');

    await page.fill('#code', '000000');
    await page.getByRole('button', { name: 'Vérifier', exact: true }).click();
    await page.waitForSelector('[data-code="CODE_INVALID"]');
    expect(await page.title()).toMatch(/^Erreur\u00a0: Entrez votre code/);
    expect(await page.locator('.error-summary h2').textContent()).toBe('Il y a un problème');
    expect(await page.locator('#form-error').textContent()).toContain('Ce code n’a pas fonctionné.');
    await shot(page, 'code-errone');

    clock.advance(STEP_MS);
    await page.fill('#code', codeFor(account.key, clock));
    await page.getByRole('button', { name: 'Vérifier', exact: true }).click();
    await page.waitForSelector('h1:has-text("Autoriser l’accès?")');
    expect(await page.locator('ul.scopes li').first().textContent()).toBe('Savoir qui vous êtes lorsque vous vous connectez');
    await shot(page, 'autoriser-acces');
    await page.getByRole('button', { name: 'Autoriser' }).click();
    await page.waitForURL(`${stack.demoUrl}/**`);
    expect(await page.textContent('body')).toContain(account.email);

    await page.goto(`${stack.idp.issuer}/interaction/no-such-sign-in`);
    expect(await heading()).toBe('Cette connexion a expiré');
    expect(await lang()).toBe('fr-CA');
    await shot(page, 'connexion-expiree');
  });
});
