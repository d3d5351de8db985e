import type { FlowContext } from './flow.ts';
import { consentAndRedeem, openSignIn, submitPassword } from './steps.ts';

/**
 * authorize → sign-in page → email + password → consent page → allow → code → tokens.
 * Every hop must answer as a browser would expect; anything else throws.
 */
export async function passwordFlow(context: FlowContext): Promise<void> {
  const { signIn, page } = await openSignIn(context);
  const consentPage = await submitPassword(signIn, page);
  await consentAndRedeem(signIn, consentPage);
}
