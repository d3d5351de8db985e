import { expectForm, FlowError, pageProblem, type Reply } from '../lib/browser.ts';
import type { FlowContext } from './flow.ts';
import { consentAndRedeem, openSignIn, redeemCallback, submitPassword, type SignIn } from './steps.ts';

/**
 * authorize → sign-in page → email + password → (303) code page → the authenticator app's
 * current code → the page after it. The account must have TOTP on; its code comes from
 * context.oneTimeCode (the driver's pool: one use per account and time step). A refused code (the
 * code page again, 400) is an error like any other unexpected answer.
 */
async function passwordAndAppCode(context: FlowContext, askConsent: boolean): Promise<{ signIn: SignIn; afterCode: Reply }> {
  const { oneTimeCode } = context;
  if (!oneTimeCode) throw new Error('the totp flows need an account with TOTP (context.oneTimeCode)');
  const { signIn, page } = await openSignIn(context, {}, { askConsent });
  const codePage = await submitPassword(signIn, page);
  const challenge = expectForm(codePage, '/totp', 'code page');

  const { browser } = signIn;
  const afterCode = await browser.follow(await browser.postForm(challenge.action, { ...challenge.hidden, code: oneTimeCode() }), context.baseUrl, 'totp');
  // Accepted: the consent page, or for a first-party app the redirect back to it (checked by redeemCallback).
  const accepted = askConsent ? afterCode.status === 200 : afterCode.status === 302 || afterCode.status === 303;
  if (!accepted) throw new FlowError('totp', afterCode, `code refused: ${pageProblem(afterCode) ?? 'no error code on the page'}`);
  return { signIn, afterCode };
}

/** password → app code → consent page → allow → code → tokens. */
export async function totpFlow(context: FlowContext): Promise<void> {
  const { signIn, afterCode } = await passwordAndAppCode(context, true);
  await consentAndRedeem(signIn, afterCode);
}

/** The same for the operator's own app (first_party): no consent page, the code goes straight back to the app. */
export async function totpFirstPartyFlow(context: FlowContext): Promise<void> {
  if (!context.firstPartyClient) throw new Error('this server registers no first-party app (only ours does)');
  const { signIn, afterCode } = await passwordAndAppCode({ ...context, client: context.firstPartyClient }, false);
  await redeemCallback(signIn, afterCode);
}
