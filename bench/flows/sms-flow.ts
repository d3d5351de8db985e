import { expectForm, FlowError, pageProblem } from '../lib/browser.ts';
import type { FlowContext } from './flow.ts';
import { consentAndRedeem, openSignIn, submitPassword } from './steps.ts';

/**
 * authorize → sign-in page → email + password → (303) the code page, whose first view texts a
 * code (the development outbox) → that code, read from the outbox → consent page → allow → code
 * → tokens. The account must have SMS on (`phone`). A refused send (cooldown, caps: the page
 * with an error code) or a refused code is an error like any other unexpected answer.
 */
export async function smsFlow(context: FlowContext): Promise<void> {
  const { outbox, account } = context;
  const phone = account.phone;
  if (!outbox || !phone) throw new Error('the sms flow needs an account with SMS on (account.phone) and the outbox (context.outbox)');
  const { signIn, page } = await openSignIn(context);
  const before = await outbox.mark(phone);
  const codePage = await submitPassword(signIn, page);
  const problem = pageProblem(codePage);
  if (problem) throw new FlowError('sms code page', codePage, `no text sent: ${problem}`);
  const challenge = expectForm(codePage, '/sms', 'sms code page');

  const { browser } = signIn;
  const code = await outbox.codeAfter(phone, before);
  const afterCode = await browser.follow(await browser.postForm(challenge.action, { ...challenge.hidden, code }), context.baseUrl, 'sms');
  if (afterCode.status !== 200) throw new FlowError('sms', afterCode, `code refused: ${pageProblem(afterCode) ?? 'no error code on the page'}`);
  await consentAndRedeem(signIn, afterCode);
}
