import type { ErrorCode } from '../../../src/errors.ts';
import type { AbuseWorld } from '../../helpers/abuse-accounts.ts';
import { HttpSession, type HttpResponse } from '../../helpers/http-session.ts';

/**
 * The battery's parts (../csrf-and-origin.test.ts says what it shows): a route armed to act, the
 * forged and cross-site variants each route is sent, and how one is sent.
 */

/** A request ready to succeed, and what it changes. */
export interface Armed {
  session: HttpSession;
  url: string;
  /** The form as the page would send it, its own CSRF token included. */
  fields: Record<string, string>;
  /** For interaction routes: the interaction that must not receive a result. */
  uid?: string;
  /** The state the route would change, read from the store (and the browser's view of it). */
  snapshot(): Promise<unknown>;
  /** The genuine request, with its token, did what the route is for. */
  expectDone(response: HttpResponse): Promise<void>;
}

export interface Variant {
  name: string;
  code: ErrorCode;
  request(armed: Armed, foreign: ForeignTokens, issuer: string): VariantRequest;
}

/** The fields are form-encoded as a page would; `body` replaces them with a hand-made one. */
export interface VariantRequest {
  url: string;
  fields: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
}

export interface ForeignTokens {
  interaction: string;
  console: string;
}

export const withCsrf = (fields: Record<string, string>, csrf?: string) => {
  const { csrf: _own, ...rest } = fields;
  return csrf === undefined ? rest : { ...rest, csrf };
};

export const VARIANTS: Variant[] = [
  { name: 'no CSRF token', code: 'CSRF_FAILED', request: (a) => ({ url: a.url, fields: withCsrf(a.fields) }) },
  { name: 'an empty CSRF token', code: 'CSRF_FAILED', request: (a) => ({ url: a.url, fields: withCsrf(a.fields, '') }) },
  { name: 'a forged CSRF token of the right shape', code: 'CSRF_FAILED', request: (a) => ({ url: a.url, fields: withCsrf(a.fields, 'A'.repeat(43)) }) },
  { name: "another sign-in's token", code: 'CSRF_FAILED', request: (a, f) => ({ url: a.url, fields: withCsrf(a.fields, f.interaction) }) },
  { name: "another account's Security-page token", code: 'CSRF_FAILED', request: (a, f) => ({ url: a.url, fields: withCsrf(a.fields, f.console) }) },
  { name: 'its own token in the query string only', code: 'CSRF_FAILED', request: (a) => ({ url: `${a.url}?csrf=${encodeURIComponent(a.fields.csrf!)}`, fields: withCsrf(a.fields) }) },
  { name: 'a wrong token first, its own token repeated after it', code: 'CSRF_FAILED', request: (a) => ({ url: a.url, fields: {}, body: `csrf=forged&${new URLSearchParams(a.fields)}` }) },
  { name: 'a foreign Origin (with its own token)', code: 'ORIGIN_REJECTED', request: (a) => ({ url: a.url, fields: a.fields, headers: { origin: 'https://evil.example' } }) },
  { name: 'Origin: null (with its own token)', code: 'ORIGIN_REJECTED', request: (a) => ({ url: a.url, fields: a.fields, headers: { origin: 'null' } }) },
  { name: 'a look-alike Origin (with its own token)', code: 'ORIGIN_REJECTED', request: (a, _f, issuer) => ({ url: a.url, fields: a.fields, headers: { origin: `${issuer}.evil.example` } }) },
  { name: 'our host over https (with its own token)', code: 'ORIGIN_REJECTED', request: (a, _f, issuer) => ({ url: a.url, fields: a.fields, headers: { origin: issuer.replace('http:', 'https:') } }) },
  { name: 'Sec-Fetch-Site: cross-site (with its own token and our Origin)', code: 'ORIGIN_REJECTED', request: (a) => ({ url: a.url, fields: a.fields, headers: { 'sec-fetch-site': 'cross-site' } }) },
];

/** Sends one variant: form-encoded, as a browser would, with the session's cookies. */
export async function send(armed: Armed, variant: Variant, foreign: ForeignTokens, issuer: string): Promise<HttpResponse> {
  const request = variant.request(armed, foreign, issuer);
  if (request.body !== undefined) {
    return armed.session.request(request.url, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', origin: issuer },
      body: request.body,
    });
  }
  return armed.session.postForm(request.url, request.fields, request.headers);
}

/** `sessionless`: a form no cookie owns ("Forgot password?", a reset link's page): bound to its purpose or link instead. */
export type Route = { route: string; sessionless?: true; arm(world: AbuseWorld): Promise<Armed> };
