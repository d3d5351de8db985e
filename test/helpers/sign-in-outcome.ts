import type * as oidc from 'openid-client';
import { HttpSession, type HttpResponse } from './http-session.ts';
import { buildAuthorization, isCallback, openAuthorization, redeemCode, submitPassword } from './oidc-flow.ts';

/**
 * For tests that sign in continuously while the store fails over or moves (test/instances): what
 * one password sign-in ended with. A failure is only right as the store-unavailable page (or its
 * JSON at the token endpoint); anything else is `wrong`, with what the browser or the app got.
 */
export type SignInOutcome =
  | { kind: 'signed-in'; startedAt: number; endedAt: number }
  | { kind: 'unavailable'; startedAt: number }
  | { kind: 'wrong'; startedAt: number; what: string };

function judge(page: HttpResponse, startedAt: number): SignInOutcome {
  if (page.status === 503 && page.text.includes('STORE_UNAVAILABLE') && page.headers.get('retry-after') === '30') return { kind: 'unavailable', startedAt };
  return { kind: 'wrong', startedAt, what: `${page.status} ${page.url}\n${page.text.slice(0, 300)}` };
}

/** authorize → password → code → tokens at `issuer`, from a fresh browser. */
export async function passwordSignInOutcome(issuer: string, client: oidc.Configuration, email: string, password: string): Promise<SignInOutcome> {
  const startedAt = Date.now();
  const session = new HttpSession();
  const authorization = await buildAuthorization(client);
  const page = await openAuthorization(session, issuer, authorization);
  if (page.status !== 200) return judge(page, startedAt);
  const callback = await submitPassword(session, issuer, page, email, password);
  if (!isCallback(callback)) return judge(callback, startedAt);
  try {
    const tokens = await redeemCode(client, callback, authorization);
    if (!tokens.claims()?.sub) return { kind: 'wrong', startedAt, what: 'no sub in the ID token' };
  } catch (error) {
    // The token endpoint is the app's, not the person's: its 503 is JSON temporarily_unavailable.
    // openid-client reads a JSON error body into `status` and `error`; a body it cannot read as one
    // leaves the response as the cause: its status and body say what the app really got.
    // (openid-client reads error bodies of 400 and 401 only, so a 503's comes here.)
    const { status, error: code, cause } = error as { status?: number; error?: string; cause?: unknown };
    if (status === 503 && code === 'temporarily_unavailable') return { kind: 'unavailable', startedAt };
    const response = cause instanceof Response ? cause : undefined;
    const body = response ? await response.text().catch(() => '') : '';
    if (response?.status === 503 && /"error":"temporarily_unavailable"/.test(body)) return { kind: 'unavailable', startedAt };
    return { kind: 'wrong', startedAt, what: `token: ${status ?? response?.status} ${code} ${String(error)} ${body.slice(0, 300)}` };
  }
  return { kind: 'signed-in', startedAt, endedAt: Date.now() };
}
