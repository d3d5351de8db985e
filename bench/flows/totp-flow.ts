import { expectForm, FlowError, pageProblem } from '../lib/browser.ts';
import type { FlowContext } from './flow.ts';
import { consentAndRedeem, openSignIn, submitPassword } from './steps.ts';

/**
 * authorize → sign-in page → email + password → (303) code page → the authenticator app's
 * current code → consent page → allow → code → tokens. The account must have TOTP on; its code
 * comes from context.oneTimeCode (the driver's pool: one use per account and time step). A
 * refused code (the code page again, 400) is an error like any other unexpected answer.
 */
export async function totpFlow(context: FlowContext): Promise<void> {
  const { oneTimeCode } = context;
  if (!oneTimeCode) throw new Error('the totp flow needs an account with TOTP (context.oneTimeCode)');
  const { signIn, page } = await openSignIn(context);
  const codePage = await submitPassword(signIn, page);
  const challenge = expectForm(codePage, '/totp', 'code page');

  const { browser } = signIn;
  const afterCode = await browser.follow(await browser.postForm(challenge.action, { ...challenge.hidden, code: oneTimeCode() }), context.baseUrl, 'totp');
  if (afterCode.status !== 200) throw new FlowError('totp', afterCode, `code refused: ${pageProblem(afterCode) ?? 'no error code on the page'}`);
  await consentAndRedeem(signIn, afterCode);
}
