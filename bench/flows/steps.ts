import { Browser, expectForm, type Reply } from '../lib/browser.ts';
import type { FlowContext } from './flow.ts';
import { buildAuthorization, expectCallback, redeemCode, type Authorization } from './oidc.ts';

/**
 * The steps every sign-in flow shares, so each flow module only adds what is its own (a second
 * factor, ...): open the authorization, post the password, consent, redeem the code.
 */
export interface SignIn {
  context: FlowContext;
  /** A fresh browser (no cookies), bounded by the flow's signal. */
  browser: Browser;
  authorization: Authorization;
}

/**
 * authorize → (redirects) → the sign-in page; returns the sign-in in progress and that page.
 * `cookies`: what the browser holds from an earlier visit (Path=/), e.g. a trusted-device token.
 */
export async function openSignIn(context: FlowContext, cookies: Record<string, string> = {}, { askConsent = true } = {}): Promise<{ signIn: SignIn; page: Reply }> {
  const browser = new Browser(context.signal);
  for (const [name, value] of Object.entries(cookies)) browser.setCookie(name, value);
  const authorization = buildAuthorization(context, { askConsent });
  const page = await browser.follow(await browser.get(authorization.url), context.baseUrl, 'authorize');
  return { signIn: { context, browser, authorization }, page };
}

/** Posts the account's email and password on the sign-in page; returns the page the redirects lead to. */
export async function submitPassword({ context, browser }: SignIn, loginPage: Reply): Promise<Reply> {
  const login = expectForm(loginPage, '/login', 'sign-in page');
  const { email, password } = context.account;
  return browser.follow(await browser.postForm(login.action, { ...login.hidden, email, password }), context.baseUrl, 'password');
}

/** consent page → allow → the callback with a code → tokens from the token endpoint. */
export async function consentAndRedeem(signIn: SignIn, consentPage: Reply): Promise<void> {
  const { context, browser } = signIn;
  const consent = expectForm(consentPage, '/consent', 'consent page');
  await redeemCallback(signIn, await browser.follow(await browser.postForm(consent.action, consent.hidden), context.baseUrl, 'consent'));
}

/** The redirect back to the app (after consent, or straight after sign-in for a first-party app) → tokens. */
export async function redeemCallback({ context, authorization }: SignIn, callback: Reply): Promise<void> {
  const code = expectCallback(context, callback, authorization, 'callback');
  await redeemCode(context, code, authorization);
}
