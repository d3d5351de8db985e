import { expectForm, FlowError, pageProblem, type Reply } from '../lib/browser.ts';
import type { FlowContext } from './flow.ts';
import { consentAndRedeem, openSignIn, submitPassword } from './steps.ts';

/** Where the page's "Use backup code" link goes (absolute). */
function backupCodeLink(page: Reply): string {
  const href = /<a\b[^>]*\bhref="([^"]*\/backup-code)"/.exec(page.text)?.[1];
  if (!href) throw new FlowError('code page', page, 'no link to the backup-code form');
  return new URL(href.replaceAll('&amp;', '&'), page.url).href;
}

/** The new code on the "Save your new backup code" page (`<code id="backup-code">`). */
function newCodeOn(page: Reply): string | undefined {
  return /<code\b[^>]*\bid="backup-code"[^>]*>([^<]+)<\/code>/.exec(page.text)?.[1]?.trim();
}

/**
 * authorize → sign-in page → email + password → (303) the code page → "Use backup code" →
 * the backup code → (303) the new code's page (the old one is spent: the new one is kept for this
 * account's next sign-in) → "I've saved it" → consent page → allow → code → tokens. The account must have
 * a second factor and its current code in `backupCode`.
 */
export async function backupFlow(context: FlowContext): Promise<void> {
  const { account, keepBackupCode } = context;
  if (!account.backupCode || !keepBackupCode) throw new Error('the backup flow needs an account with its current backup code (account.backupCode, context.keepBackupCode)');
  const { signIn, page } = await openSignIn(context);
  const { browser } = signIn;
  const codePage = await submitPassword(signIn, page);
  expectForm(codePage, '/totp', 'code page'); // the authenticator app's code page, with its "Use backup code" link
  const formPage = await browser.get(backupCodeLink(codePage));
  const form = expectForm(formPage, '/backup-code', 'backup code page');

  // Post/Redirect/Get: the code's POST answers with a 303 to the page that shows the new one.
  const newCodePage = await browser.follow(await browser.postForm(form.action, { ...form.hidden, code: account.backupCode }), context.baseUrl, 'backup code');
  const newCode = newCodePage.status === 200 ? newCodeOn(newCodePage) : undefined;
  if (!newCode) throw new FlowError('backup code', newCodePage, `code refused: ${pageProblem(newCodePage) ?? 'no new code on the page'}`);
  keepBackupCode(newCode);

  const next = expectForm(newCodePage, '/continue', 'new backup code page');
  const consentPage = await browser.follow(await browser.postForm(next.action, next.hidden), context.baseUrl, 'continue');
  await consentAndRedeem(signIn, consentPage);
}
