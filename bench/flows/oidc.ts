import { createHash, randomBytes } from 'node:crypto';
import { FlowError, pathOf, type Reply } from '../lib/browser.ts';
import type { FlowContext } from './flow.ts';

/** The relying app's half of authorization code + PKCE (RFC 7636, S256), without a client library. */
export interface Authorization {
  url: string;
  state: string;
  nonce: string;
  verifier: string;
}

const random = () => randomBytes(32).toString('base64url');

/** `askConsent`: false for a first-party app, which is never asked (prompt=consent would ask it anyway). */
export function buildAuthorization({ baseUrl, client }: FlowContext, { askConsent = true }: { askConsent?: boolean } = {}): Authorization {
  const verifier = random();
  const state = random();
  const nonce = random();
  const url = new URL('/auth', baseUrl);
  url.search = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: client.scope,
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    // Our provider remembers consent per account and app, so the pool's accounts would skip the
    // consent page after their first sign-in; prompt=consent keeps every flow, ours and the
    // reference's, the same steps (authorize → password → consent → code → token).
    ...(askConsent ? { prompt: 'consent' } : {}),
  }).toString();
  return { url: url.href, state, nonce, verifier };
}

/** The redirect back to the app: must carry a code and our state, and no error. Returns the code. */
export function expectCallback({ client }: FlowContext, reply: Reply, authorization: Authorization, step: string): string {
  const isRedirect = reply.status === 302 || reply.status === 303;
  if (!isRedirect || !reply.location?.startsWith(`${client.redirectUri}?`)) {
    throw new FlowError(step, reply, reply.location ? `redirect to ${pathOf(reply.location)}` : `at ${pathOf(reply.url)}, not the callback`);
  }
  const params = new URL(reply.location).searchParams;
  if (params.has('error')) throw new FlowError(step, reply, `callback error=${params.get('error')}`);
  if (params.get('state') !== authorization.state) throw new FlowError(step, reply, 'state mismatch');
  const code = params.get('code');
  if (!code) throw new FlowError(step, reply, 'callback without code');
  return code;
}

/** RFC 6749 §2.3.1: client id and secret form-encoded, then HTTP Basic. */
function basicAuth(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** Redeems the code at the token endpoint (client_secret_basic + code_verifier); expects an access and an ID token. */
export async function redeemCode(context: FlowContext, code: string, authorization: Authorization): Promise<Record<string, unknown>> {
  const { baseUrl, client, signal } = context;
  const response = await fetch(new URL('/token', baseUrl), {
    method: 'POST',
    headers: {
      authorization: basicAuth(client.clientId, client.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: authorization.verifier,
    }).toString(),
    redirect: 'manual',
    signal,
  });
  const text = await response.text();
  const reply: Reply = { status: response.status, url: response.url, text };
  if (response.status !== 200) throw new FlowError('token endpoint', reply, text.slice(0, 120));
  const tokens = JSON.parse(text) as Record<string, unknown>;
  if (typeof tokens.access_token !== 'string' || typeof tokens.id_token !== 'string') {
    throw new FlowError('token endpoint', reply, 'no access_token or id_token');
  }
  return tokens;
}
