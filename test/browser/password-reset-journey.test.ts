import type { Page } from 'playwright-core';
import { screenshotter } from '../helpers/chromium.ts';
import { openChromiumDemo, type ChromiumDemo } from '../helpers/chromium-demo.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { codeFor, enrolledAccount } from '../helpers/mfa-flow.ts';
import { readOutbox, type OutboxMail } from '../helpers/sms-outbox.ts';
import type { DemoStack } from '../helpers/start-demo-stack.ts';

const OLD_PASSWORD = 'the password I forgot';
const NEW_PASSWORD = 'a new password I will remember';

describe.each([375, 1280])('"Forgot password?" in Chromium at %ipx', (width) => {
  const clock = createFakeClock(Date.now());
  let demo: ChromiumDemo;
  let stack: DemoStack;
  let page: Page;
  const shot = screenshotter(`password-reset-${width}`);

  beforeAll(async () => {
    demo = await openChromiumDemo(width, { clock });
    ({ stack, page } = demo);
  });

  afterAll(() => demo?.close());

  async function linkMailedTo(email: string): Promise<string> {
    const mailsTo = () => readOutbox<OutboxMail>(stack.idp.config.mail.outboxFile!).filter((mail) => mail.to === email && mail.subject.startsWith('Reset your'));
    for (let waited = 0; waited < 5000 && mailsTo().length === 0; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return /(http\S+token=[\w-]+)/.exec(mailsTo()[0]!.text)![1]!;
  }

  test('asks for a link from the sign-in page, sets a new password, then signs in with it and still gives a code', async () => {
    // An account with the authenticator app, set up over HTTP (the MFA journey shows that part in the browser).
    const { email, key } = await enrolledAccount(stack.idp, clock, OLD_PASSWORD, `reset${width}-`);

    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForSelector('h1:has-text("Forgot your password?")');
    await shot(page, 'forgot');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.waitForSelector('h1:has-text("Check your email")');
    await shot(page, 'check-your-email');

    await page.goto(await linkMailedTo(email));
    await page.waitForSelector('h1:has-text("Choose a new password")');
    await page.getByLabel('New password', { exact: true }).fill('password123');
    await page.getByLabel('New password again').fill('password123');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForSelector('[data-code="PASSWORD_TOO_COMMON"]');
    await shot(page, 'too-common');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForSelector('h1:has-text("Your password was changed")');
    await shot(page, 'changed');

    // Signed in nowhere: the app's sign-in asks for the password, then the code.
    await page.goto(`${stack.demoUrl}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.fill('#email', email);
    await page.fill('#password', NEW_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForSelector('#code');
    await shot(page, 'code-still-asked');
    clock.advance(30_000);
    await page.fill('#code', codeFor(key, clock));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.waitForSelector('text=Allow access?');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${stack.demoUrl}/`);
    expect(await page.textContent('body')).toContain('pwd, otp, mfa');
    await shot(page, 'signed-in-with-code');
  });
});
