import type { Context } from 'koa';
import { assertThat } from '../errors.ts';
import { continueAfterPassword, type AfterPasswordDeps } from './after-password.ts';
import { passwordAlreadyPassed, signInUnderWay } from './second-factor-state.ts';

/**
 * A host with its own sign-in page checks the password itself, then hands the account over:
 * from here the plugin runs the same steps as after its own password page (the one decision, a
 * trusted device, the second factor, enrolment). The interaction is the one this browser's
 * interaction cookie names; it must be at its `login` prompt, and once an account was handed
 * over another is refused (SIGN_IN_UNDER_WAY), exactly as a second password is on the plugin's page.
 */
export async function handOverAfterPassword(ctx: Context, deps: AfterPasswordDeps, accountId: string): Promise<void> {
  const details = await deps.provider.interactionDetails(ctx.req, ctx.res);
  assertThat(details.prompt.name === 'login', 'WRONG_STEP');
  if (passwordAlreadyPassed(details)) throw signInUnderWay(details.uid);
  await continueAfterPassword(ctx, deps, details, accountId);
}
