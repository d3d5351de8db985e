import { base32Decode } from './base32.ts';
import { totpCode, timeStep } from '../../src/factors/totp/totp.ts';
import type { FakeClock } from './fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from './http-session.ts';
import { isCallback, submitPassword } from './oidc-flow.ts';

/** The text of the element with this id, e.g. the key or backup code shown on a page. */
export function textOf(html: string, id: string): string {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  if (!match) throw new Error(`no element #${id} on the page:\n${html.slice(0, 800)}`);
  return match[1]!.trim();
}

/** What an authenticator app would show now for the key on the setup page. */
export function codeFor(key: string, clock: FakeClock): string {
  return totpCode(base32Decode(key.replace(/\s/g, '')), timeStep(clock()));
}

/** Opens the Security page, signing in through the provider first if asked to (password, and a code where enrolled). */
export async function openSecurityPage(session: HttpSession, issuer: string, credentials?: { email: string; password: string; key?: string; clock?: FakeClock }): Promise<HttpResponse> {
  let page = await session.follow(await session.get(`${issuer}/account/security`), issuer);
  if (page.text.includes('autocomplete="current-password"') && credentials) {
    page = await submitPassword(session, issuer, page, credentials.email, credentials.password);
    if (page.text.includes('autocomplete="one-time-code"') && credentials.key && credentials.clock) {
      page = await submitCode(session, issuer, page, codeFor(credentials.key, credentials.clock));
    }
  }
  return page;
}

/** Security → Set up → authenticator app → Next → key → first code → backup code. */
export async function enrolAuthenticator(session: HttpSession, issuer: string, clock: FakeClock): Promise<{ key: string; backupCode: string; page: HttpResponse; csrf: string }> {
  const choose = await session.follow(await session.get(`${issuer}/account/security/setup`), issuer);
  if (!choose.text.includes('name="method"')) throw new Error(`not the setup page: ${choose.status} ${choose.url}`);
  const qrPage = await session.follow(await session.postForm(`${issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'totp' }), issuer);
  const key = textOf(qrPage.text, 'totp-key');
  const done = await session.submitForm(`${issuer}/account/security/setup/app`, { csrf: hiddenField(qrPage.text, 'csrf'), code: codeFor(key, clock) });
  return { key, backupCode: textOf(done.text, 'backup-code'), page: done, csrf: hiddenField(qrPage.text, 'csrf') };
}

export async function submitCode(session: HttpSession, issuer: string, page: HttpResponse, code: string, extra: Record<string, string> = {}): Promise<HttpResponse> {
  const response = await session.postForm(formAction(page.text, '/totp', issuer), { csrf: hiddenField(page.text, 'csrf'), code, ...extra });
  return session.follow(response, issuer);
}

/** "Use backup code" → enter it → the new code is shown until "I've saved it" → that button. */
export async function useBackupCode(session: HttpSession, issuer: string, challenge: HttpResponse, code: string): Promise<{ newCode?: string; page: HttpResponse; next?: HttpResponse }> {
  const formPage = await session.get(new URL(/href="([^"]*\/backup-code)"/.exec(challenge.text)![1]!, issuer).href);
  const page = await session.submitForm(formAction(formPage.text, '/backup-code', issuer), { csrf: hiddenField(formPage.text, 'csrf'), code });
  if (!page.text.includes('id="backup-code"')) return { page };
  const next = await session.follow(await session.postForm(formAction(page.text, '/continue', issuer), { csrf: hiddenField(page.text, 'csrf') }), issuer);
  return { newCode: textOf(page.text, 'backup-code'), page, next };
}

export { isCallback };

/** Follows a page's "sign in again" link (#reauth): password, then a code, back to the page. */
export async function reauthenticate(session: HttpSession, issuer: string, page: HttpResponse, credentials: { email: string; password: string; key: string; clock: FakeClock }): Promise<HttpResponse> {
  const href = /id="reauth" href="([^"]*)"/.exec(page.text)?.[1];
  if (!href) throw new Error('no re-authentication link on the page');
  const login = await session.follow(await session.get(new URL(href.replaceAll('&amp;', '&'), issuer).href), issuer);
  const challenge = await submitPassword(session, issuer, login, credentials.email, credentials.password);
  credentials.clock.advance(30_000);
  return submitCode(session, issuer, challenge, codeFor(credentials.key, credentials.clock));
}

let enrolled = 0;

/** A new account, signed in on the Security page, with the authenticator app set up there. */
export async function enrolledAccount(idp: { issuer: string; directory: { add(account: { email: string; password: string }): Promise<unknown> } }, clock: FakeClock, password: string, name = 'person') {
  const email = `${name}${(enrolled += 1)}@example.com`;
  await idp.directory.add({ email, password });
  const session = new HttpSession();
  const security = await openSecurityPage(session, idp.issuer, { email, password });
  const enrolment = await enrolAuthenticator(session, idp.issuer, clock);
  return { email, session, security, ...enrolment };
}
