import type { ClientMetadata } from 'oidc-provider';
import type * as oidc from 'openid-client';
import { ABUSE_CLIENTS, ABUSE_PASSWORD, STEP_MS, THIRD_PARTY_SECRET, type AbuseWorld } from './abuse-accounts.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from './http-session.ts';
import { codeFor, submitCode } from './mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitConsent, submitPassword, type Authorization } from './oidc-flow.ts';
import { RP_CALLBACK, RP_LOGGED_OUT } from './start-idp.ts';

/** A second third-party app, so consent to one can be shown never to serve the other. */
export const OTHER_APP_SECRET = 'other-app-secret-for-tests-only';
export const OTHER_APP: ClientMetadata = {
  client_id: 'other-app',
  client_name: 'Other App',
  client_secret: OTHER_APP_SECRET,
  redirect_uris: [RP_CALLBACK],
  post_logout_redirect_uris: [RP_LOGGED_OUT],
};
export const CONSENT_CLIENTS = [...ABUSE_CLIENTS, OTHER_APP];

const SECRETS: Record<string, string> = { 'third-party-app': THIRD_PARTY_SECRET, 'other-app': OTHER_APP_SECRET };
/** Refresh tokens come with offline_access, which OpenID Connect Core §11 ties to prompt=consent. */
export const OFFLINE = { scope: 'openid email profile offline_access', prompt: 'consent' };

export interface Person {
  email: string;
  key?: string;
  password?: string;
}

/** A sign-in up to the page after the password (and the code, where the account has an app): the consent page, or the callback. */
export interface Reached {
  client: oidc.Configuration;
  browser: HttpSession;
  authorization: Authorization;
  page: HttpResponse;
}

export async function reachConsent(world: AbuseWorld, person: Person, options: { clientId?: string; browser?: HttpSession; extra?: Record<string, string> } = {}): Promise<Reached> {
  const { issuer } = world.idp;
  const clientId = options.clientId ?? 'third-party-app';
  const browser = options.browser ?? new HttpSession();
  const client = await discoverClient(issuer, clientId, SECRETS[clientId]);
  const authorization = await buildAuthorization(client, options.extra);
  let page = await openAuthorization(browser, issuer, authorization);
  if (page.text.includes('autocomplete="current-password"')) page = await submitPassword(browser, issuer, page, person.email, person.password ?? ABUSE_PASSWORD);
  if (page.text.includes('autocomplete="one-time-code"')) {
    if (!person.key) throw new Error(`asked for a code, but ${person.email} has no authenticator app here`);
    world.clock.advance(STEP_MS);
    page = await submitCode(browser, issuer, page, codeFor(person.key, world.clock));
  }
  if (!isCallback(page) && !isConsentPage(page)) throw new Error(`neither consent nor the app: ${page.status} ${page.url}\n${page.text.slice(0, 400)}`);
  return { client, browser, authorization, page };
}

export const isConsentPage = (page: HttpResponse) => page.status === 200 && page.text.includes('<h1>Allow access?</h1>');

/** The lines of the consent page's "wants to:" list. */
export function askedFor(page: HttpResponse): string[] {
  const list = /<ul class="scopes">(.*?)<\/ul>/s.exec(page.text)?.[1] ?? '';
  return [...list.matchAll(/<li>([^<]*)<\/li>/g)].map((match) => decodeEntities(match[1]!));
}

const decodeEntities = (text: string) => text.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');

/** Allows on the consent page if it is shown, then redeems the code as the app. */
export async function allowAndRedeem(world: AbuseWorld, reached: Reached) {
  const page = isConsentPage(reached.page) ? await submitConsent(reached.browser, world.idp.issuer, reached.page) : reached.page;
  if (!isCallback(page)) throw new Error(`the sign-in did not reach the app: ${page.status} ${page.url}\n${page.text.slice(0, 400)}`);
  return redeemCode(reached.client, page, reached.authorization);
}

/** A whole sign-in to the app (allowing if asked); answers its tokens and whether consent was asked. */
export async function signInToApp(world: AbuseWorld, person: Person, options: { clientId?: string; browser?: HttpSession; extra?: Record<string, string> } = {}) {
  const reached = await reachConsent(world, person, options);
  const asked = isConsentPage(reached.page);
  return { ...reached, asked, tokens: await allowAndRedeem(world, reached) };
}

async function tokenRequest(world: AbuseWorld, clientId: string, fields: Record<string, string>) {
  const basic = `Basic ${Buffer.from(`${clientId}:${SECRETS[clientId]}`).toString('base64')}`;
  const response = await fetch(`${world.idp.issuer}/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

/** The token endpoint's answer to a refresh, as the app would get it (not thrown). */
export const refreshWith = (world: AbuseWorld, refreshToken: string, clientId = 'third-party-app') =>
  tokenRequest(world, clientId, { grant_type: 'refresh_token', refresh_token: refreshToken });

export async function userinfoStatus(world: AbuseWorld, accessToken: string): Promise<number> {
  const response = await fetch(`${world.idp.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  await response.arrayBuffer();
  return response.status;
}

/** RP-initiated logout on this browser, "sign me out" of every app: the provider's session ends. */
export async function signOut(world: AbuseWorld, browser: HttpSession, idToken: string, clientId = 'third-party-app'): Promise<void> {
  const { issuer } = world.idp;
  const url = new URL(`${issuer}/session/end`);
  url.search = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: RP_LOGGED_OUT, client_id: clientId }).toString();
  const confirm = await browser.get(url.href);
  const done = await browser.postForm(formAction(confirm.text, '/session/end/confirm', issuer), { xsrf: hiddenField(confirm.text, 'xsrf'), logout: 'yes' });
  if (done.location !== RP_LOGGED_OUT) throw new Error(`sign-out did not finish: ${done.status} ${done.location}`);
}

/** The Security page's "Apps with access" section: each app's name and its Remove access grant id. */
export function appsListed(securityPage: HttpResponse): { name: string; grantId: string; text: string }[] {
  const section = /<section class="panel" id="apps"[^>]*>(.*?)<\/section>/s.exec(securityPage.text)?.[1];
  if (section === undefined) throw new Error(`no "Apps with access" section on the page:\n${securityPage.text.slice(0, 600)}`);
  return [...section.matchAll(/<li class="app">(.*?)<\/form><\/li>/gs)].map((match) => ({
    name: decodeEntities(/<strong>([^<]*)<\/strong>/.exec(match[1]!)![1]!),
    grantId: /name="grant" value="([^"]*)"/.exec(match[1]!)![1]!,
    text: decodeEntities(match[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')),
  }));
}
