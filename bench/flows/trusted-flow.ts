import { trustCookieName } from '../../src/trusted-device/trust-cookie.ts';
import { FlowError } from '../lib/browser.ts';
import type { FlowContext } from './flow.ts';
import { consentAndRedeem, openSignIn, submitPassword } from './steps.ts';

/**
 * On a trusted device: the browser holds the account's trusted-device token in its cookie
 * (`oidc-mfa-trusted` over http), so after the password no code is asked. authorize → sign-in
 * page → email + password → consent page → allow → code → tokens, as the password flow. The
 * account must have a second factor and a token (`trustToken`); a code page instead of the
 * consent page means the device was not honoured, an error.
 */
export async function trustedFlow(context: FlowContext): Promise<void> {
  const token = context.account.trustToken;
  if (!token) throw new Error('the trusted flow needs an account with a trusted-device token (account.trustToken)');
  const { signIn, page } = await openSignIn(context, { [trustCookieName(false)]: token });
  const consentPage = await submitPassword(signIn, page);
  if (/action="[^"]*\/(totp|sms)"/.test(consentPage.text)) throw new FlowError('password', consentPage, 'a code was asked: the trusted device was not honoured');
  await consentAndRedeem(signIn, consentPage);
}
