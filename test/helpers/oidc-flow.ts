import * as oidc from 'openid-client';
import { formAction, hiddenField, HttpSession, type HttpResponse } from './http-session.ts';
import { RP_CALLBACK } from './start-idp.ts';

/** openid-client, as a relying app would configure it, against the test issuer (plain http on loopback). */
export function discoverClient(issuer: string, clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  return oidc.discovery(
    new URL(issuer),
    clientId,
    undefined,
    clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
}

export interface Authorization {
  url: string;
  verifier: string;
  state: string;
  nonce: string;
}

export async function buildAuthorization(client: oidc.Configuration, extra: Record<string, string> = {}): Promise<Authorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(client, {
    redirect_uri: RP_CALLBACK,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  }).href;
  return { url, verifier, state, nonce };
}

/** Opens the authorization URL and follows the provider's redirects to the page it shows (or the redirect back). */
export async function openAuthorization(session: HttpSession, issuer: string, authorization: Authorization): Promise<HttpResponse> {
  return session.follow(await session.get(authorization.url), issuer);
}

export async function submitPassword(session: HttpSession, issuer: string, page: HttpResponse, email: string, password: string): Promise<HttpResponse> {
  const response = await session.postForm(formAction(page.text, '/login', issuer), { csrf: hiddenField(page.text, 'csrf'), email, password });
  return session.follow(response, issuer);
}

export async function submitConsent(session: HttpSession, issuer: string, page: HttpResponse): Promise<HttpResponse> {
  const response = await session.postForm(formAction(page.text, '/consent', issuer), { csrf: hiddenField(page.text, 'csrf') });
  return session.follow(response, issuer);
}

export function isCallback(response: HttpResponse): boolean {
  return response.status >= 300 && response.status < 400 && Boolean(response.location?.startsWith(RP_CALLBACK));
}

export function redeemCode(client: oidc.Configuration, callback: HttpResponse, authorization: Authorization) {
  return oidc.authorizationCodeGrant(client, new URL(callback.location!), {
    pkceCodeVerifier: authorization.verifier,
    expectedState: authorization.state,
    expectedNonce: authorization.nonce,
  });
}

/**
 * The first-party app's token request for the code at `callback`, sent as raw HTTP rather than
 * through openid-client (which throws on an error answer): for tests that read the status and
 * body of a refusal, such as a 503 while the store is down.
 */
export function postCodeToTokenEndpoint(issuer: string, callback: HttpResponse, authorization: Authorization): Promise<Response> {
  return fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: new URL(callback.location!).searchParams.get('code')!,
      redirect_uri: RP_CALLBACK,
      client_id: 'first-party-app',
      code_verifier: authorization.verifier,
    }),
  });
}

/** The whole journey: authorize → sign-in page → password → consent (if asked) → code → tokens. */
export async function signIn(options: { issuer: string; client: oidc.Configuration; session?: HttpSession; email: string; password: string; extra?: Record<string, string> }) {
  const session = options.session ?? new HttpSession();
  const authorization = await buildAuthorization(options.client, options.extra);
  let page = await openAuthorization(session, options.issuer, authorization);
  if (!isCallback(page)) page = await submitPassword(session, options.issuer, page, options.email, options.password);
  if (!isCallback(page) && page.text.includes('/consent')) page = await submitConsent(session, options.issuer, page);
  if (!isCallback(page)) throw new Error(`sign-in did not reach the callback: ${page.status} ${page.url}\n${page.text.slice(0, 500)}`);
  const tokens = await redeemCode(options.client, page, authorization);
  return { session, tokens, authorization };
}
