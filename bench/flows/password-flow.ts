import { Browser, expectForm } from '../lib/browser.ts';
import type { FlowContext } from './flow.ts';
import { buildAuthorization, expectCallback, redeemCode } from './oidc.ts';

/**
 * authorize → sign-in page → email + password → consent page → allow → code → tokens.
 * Every hop must answer as a browser would expect; anything else throws.
 */
export async function passwordFlow(context: FlowContext): Promise<void> {
  const { baseUrl, account } = context;
  const browser = new Browser(context.signal);
  const authorization = buildAuthorization(context);

  const loginPage = await browser.follow(await browser.get(authorization.url), baseUrl, 'authorize');
  const login = expectForm(loginPage, '/login', 'sign-in page');

  const afterLogin = await browser.postForm(login.action, { ...login.hidden, email: account.email, password: account.password });
  const consentPage = await browser.follow(afterLogin, baseUrl, 'password');
  const consent = expectForm(consentPage, '/consent', 'consent page');

  const afterConsent = await browser.follow(await browser.postForm(consent.action, consent.hidden), baseUrl, 'consent');
  const code = expectCallback(context, afterConsent, authorization, 'callback');

  await redeemCode(context, code, authorization);
}
