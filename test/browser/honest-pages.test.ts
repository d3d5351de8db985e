import { createHash, randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { createFactorGuard } from '../../src/guard/factor-guard.ts';
import { ABUSE_PASSWORD, twoMethodAccount } from '../helpers/abuse-accounts.ts';
import { screenshotter } from '../helpers/chromium.ts';
import { openChromiumDemo, type ChromiumDemo } from '../helpers/chromium-demo.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { RP_CALLBACK } from '../helpers/start-idp.ts';
import type { DemoStack } from '../helpers/start-demo-stack.ts';
import type { TestStore } from '../helpers/test-stores.ts';

/**
 * Issue 13 §1–3 as a person meets them in Chromium: wrong codes until the app's codes are paused
 * (the page says until when and offers the other ways), a text sent, a second tab within the
 * cooldown (nothing sent for it, said plainly, Send counting down), Refresh on "Save your new
 * backup code", and Back after the sign-in finished. Screenshots under test-artifacts/.
 */
describe.each([375, 1280])('honest pages in Chromium at %ipx', (width) => {
  const clock = createFakeClock(Date.now());
  let demo: ChromiumDemo;
  let context: BrowserContext;
  let testStore: TestStore;
  let stack: DemoStack;
  let page: Page;
  const shot = screenshotter(`honest-pages-${width}`);

  beforeAll(async () => {
    demo = await openChromiumDemo(width, { clock, storeClock: true });
    ({ context, testStore, stack, page } = demo);
  });

  afterAll(() => demo?.close());

  const guard = () => createFactorGuard(testStore.store.counters, { lockAfterFailures: 5, maxFailures: 100 });
  const errorText = (on: Page) => on.locator('[role="alert"]').allTextContents();

  /** The password, on the sign-in page the app sent this tab to. */
  async function password(on: Page, email: string) {
    await on.waitForSelector('#password');
    await on.fill('#email', email);
    await on.fill('#password', ABUSE_PASSWORD);
    await on.getByRole('button', { name: 'Continue' }).click();
  }

  /** Another tab of the same browser, signing in to another app (its redirect is never followed). */
  async function otherTabSignIn(email: string): Promise<Page> {
    const tab = await context.newPage();
    tab.setDefaultTimeout(5000);
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${stack.idp.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: 'first-party-app', response_type: 'code', redirect_uri: RP_CALLBACK, scope: 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    }).toString();
    await tab.goto(url.href);
    await password(tab, email);
    return tab;
  }

  test('paused app codes, the other ways, a second tab in the cooldown, Refresh on the new backup code, Back after finishing', async () => {
    const world = { idp: stack.idp, store: testStore.store, clock };
    const account = await twoMethodAccount(world, `honest${width}`);

    // §3, §1: a wrong code is counted once, however often the page is reloaded.
    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await password(page, account.email);
    await page.waitForSelector('#code');
    await page.fill('#code', '000000');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.waitForSelector('[data-code="CODE_INVALID"]');
    expect(await page.getAttribute('#code', 'aria-invalid')).toBe('true');
    // Item 8: the title says Error first; the summary's message leads to the field; the shared-computer warning describes its checkbox.
    expect(await page.title()).toMatch(/^Error: Enter your code · /);
    expect(await page.getAttribute('.error-summary a', 'href')).toBe('#code');
    await page.locator('.error-summary a').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('code');
    expect(await page.getAttribute('#code', 'aria-describedby')).toBe('form-error');
    expect(await page.getAttribute('input[name="trust"]', 'aria-describedby')).toBe('trust-hint');
    expect(await page.textContent('#trust-hint')).toContain('shared or public computer');
    await shot(page, 'wrong-code');
    await page.reload();
    await page.reload();
    expect(await errorText(page)).toEqual([]);
    expect(await guard().failures(account.id, 'totp')).toBe(1);

    // §1: four more, and the app's codes are paused: said with the time, and the other ways instead of a form.
    for (let i = 0; i < 4; i += 1) {
      await page.fill('#code', '000000');
      await page.getByRole('button', { name: 'Verify', exact: true }).click();
      await page.waitForLoadState();
    }
    await page.waitForSelector('[data-code="FACTOR_PAUSED"]');
    expect(await page.locator('#code').count()).toBe(0);
    expect(await page.textContent('.paused')).toContain('You can use codes from your authenticator app again in 1 minute');
    // The page script shows the time in the reader's own zone (the server only knows UTC).
    await page.waitForFunction(() => !document.querySelector('time[data-local-time]')?.textContent?.includes('UTC'));
    await shot(page, 'paused');

    await page.getByRole('link', { name: 'Try another way' }).click();
    await page.waitForSelector('h1:has-text("Try another way")');
    await shot(page, 'other-ways');
    await page.getByRole('button', { name: /Text message to/ }).click();

    // §2: the code is sent; Resend waits, counting down where the script runs.
    await page.waitForSelector('#code-status[data-state="sent"]');
    const resend = page.getByRole('button', { name: 'Resend code' });
    expect(await resend.isDisabled()).toBe(true);
    expect(await page.textContent('#resend-wait')).toContain('in 30 seconds');
    await page.waitForFunction(() => /in 2\d seconds/.test(document.querySelector('#resend-wait')?.textContent ?? ''), undefined, { timeout: 4000 });
    await shot(page, 'sms-sent');

    // §2: a second tab within the 30 s: nothing sent for its sign-in, and the page says so, not in red.
    const tab = await otherTabSignIn(account.email);
    await tab.waitForSelector('[data-code="FACTOR_PAUSED"]');
    await tab.getByRole('link', { name: 'Try another way' }).click();
    await tab.getByRole('button', { name: /Text message to/ }).click();
    await tab.waitForSelector('#code-status[data-state="cooldown"]');
    expect(await tab.textContent('#code-status')).toContain('We have not sent a code for this sign-in yet.');
    expect(await errorText(tab)).toEqual([]);
    expect(await tab.locator('#code').count()).toBe(0);
    expect(await tab.getByRole('button', { name: 'Send code' }).isDisabled()).toBe(true);
    await shot(tab, 'sms-second-tab-cooldown');
    await tab.close();

    // §3: the backup code; its new one survives Refresh, and nothing is sent again.
    await page.getByRole('link', { name: 'Use backup code' }).click();
    await page.fill('#code', account.backupCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForSelector('#backup-code');
    const newCode = (await page.textContent('#backup-code'))!.trim();
    await page.reload();
    expect((await page.textContent('#backup-code'))!.trim()).toBe(newCode);
    expect(await guard().failures(account.id, 'backup-code')).toBe(0);
    await shot(page, 'new-backup-code-after-refresh');
    await page.getByRole('button', { name: "I've saved it" }).click();
    await page.waitForSelector('h1:has-text("Allow access?")');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${stack.demoUrl}/`);
    expect(await page.textContent('body')).toContain('pwd, mfa, backup-code');

    // §3: Back, from the app: the sign-in is over, the page says so and leads back to the app.
    await page.goBack();
    await page.waitForSelector('h1:has-text("You have finished this sign-in")');
    await shot(page, 'back-after-finishing');
    await page.goBack();
    await page.waitForSelector('h1:has-text("You have finished this sign-in")');
    expect(await page.textContent('body')).not.toContain(newCode);
    await page.getByRole('link', { name: 'Continue to Demo app' }).click();
    await page.waitForURL(`${stack.demoUrl}/`);
    expect(await page.textContent('body')).toContain('pwd, mfa, backup-code');
  }, 90_000);
});
