import type { AdapterPayload } from 'oidc-provider';
import type * as oidc from 'openid-client';
import type { Store } from '../../../src/store/store.ts';
import { ABUSE_CLIENTS, abuseConfig, THIRD_PARTY_SECRET, type AbuseWorld } from '../../helpers/abuse-accounts.ts';
import { OFFLINE, reachConsent, type Person as ConsentPerson } from '../../helpers/consent-flow.ts';
import { hiddenField, HttpSession, type HttpResponse } from '../../helpers/http-session.ts';
import { useIdpWorld } from '../../helpers/idp-world.ts';
import { isCallback, redeemCode, submitConsent, type Authorization } from '../../helpers/oidc-flow.ts';
import type { StoreKind } from '../../helpers/test-stores.ts';

/**
 * What the tokens-after-session-end tests (the *.test.ts files beside this one) stand on: a
 * relying app (the confidential third-party client) signing a person in with offline_access, its
 * token requests and userinfo, what the store holds of its sign-in, and "Sign out everywhere".
 */

export const NEW_PASSWORD = 'a new password, chosen after the change';
/** Refresh tokens come with offline_access, which OpenID Connect Core §11 ties to prompt=consent. */
export { OFFLINE };

export interface Person extends ConsentPerson {
  id: string;
}

/** A relying app (the confidential third-party client) and what one sign-in gave it. */
export interface AppTokens {
  client: oidc.Configuration;
  browser: HttpSession;
  accessToken: string;
  refreshToken: string;
  claims: oidc.IDToken;
}

/**
 * A whole sign-in to the third-party app asking for offline_access, up to the redirect back with
 * a code: the password (if the browser has no session), the code where the account has an app,
 * and consent.
 */
export async function authorize(world: AbuseWorld, person: Person, browser = new HttpSession()): Promise<{ client: oidc.Configuration; browser: HttpSession; authorization: Authorization; callback: HttpResponse }> {
  const { client, authorization, page: reached } = await reachConsent(world, person, { browser, extra: OFFLINE });
  const page = isCallback(reached) ? reached : await submitConsent(browser, world.idp.issuer, reached);
  if (!isCallback(page)) throw new Error(`the sign-in did not reach the app: ${page.status} ${page.url}\n${page.text.slice(0, 400)}`);
  return { client, browser, authorization, callback: page };
}

export async function signInToApp(world: AbuseWorld, person: Person, browser?: HttpSession): Promise<AppTokens> {
  const { client, browser: used, authorization, callback } = await authorize(world, person, browser);
  const tokens = await redeemCode(client, callback, authorization);
  if (!tokens.refresh_token) throw new Error('no refresh token');
  return { client, browser: used, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, claims: tokens.claims()! };
}

const basicAuth = `Basic ${Buffer.from(`third-party-app:${THIRD_PARTY_SECRET}`).toString('base64')}`;

export async function tokenRequest(client: oidc.Configuration, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(client.serverMetadata().token_endpoint!, {
    method: 'POST',
    headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

const refresh = (app: AppTokens) => tokenRequest(app.client, { grant_type: 'refresh_token', refresh_token: app.refreshToken });

async function userinfoStatus(app: AppTokens): Promise<number> {
  const response = await fetch(app.client.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${app.accessToken}` } });
  await response.arrayBuffer();
  return response.status;
}

export async function expectWorking(app: AppTokens): Promise<void> {
  const refreshed = await refresh(app);
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.id_token).toEqual(expect.any(String));
  // A confidential client's refresh token is not rotated; follow it if it ever is.
  if (typeof refreshed.body.refresh_token === 'string') app.refreshToken = refreshed.body.refresh_token;
  expect(await userinfoStatus(app)).toBe(200);
}

export async function expectEnded(app: AppTokens): Promise<void> {
  expect(await refresh(app)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  expect(await userinfoStatus(app)).toBe(401);
}

const row = async (store: Store, model: string, id: string): Promise<AdapterPayload | undefined> => (await store.adapterFactory(model).find(id)) ?? undefined;

/** What the store holds of an app's sign-in: the grant, the refresh token and the access token (opaque: the value is the id). */
export async function storedRows(store: Store, app: AppTokens) {
  const refreshToken = await row(store, 'RefreshToken', app.refreshToken);
  const grantId = typeof refreshToken?.grantId === 'string' ? refreshToken.grantId : undefined;
  return {
    grantId,
    grant: grantId ? await row(store, 'Grant', grantId) : undefined,
    refreshToken,
    accessToken: await row(store, 'AccessToken', app.accessToken),
  };
}

export async function signOutEverywhere(world: AbuseWorld, console: HttpSession, issuer = world.idp.issuer): Promise<void> {
  const security = await console.get(`${issuer}/account/security`);
  const done = await console.submitForm(`${issuer}/account/security/sign-out-everywhere`, { csrf: hiddenField(security.text, 'csrf') });
  expect(done.status).toBe(200);
  expect(done.text).toContain('Signed out everywhere');
}

/** Call inside a describe block: the provider on this store, with the third-party app among its clients. */
export const useTokensWorld = (kind: StoreKind) => useIdpWorld(kind, { clients: ABUSE_CLIENTS, config: () => abuseConfig() });
