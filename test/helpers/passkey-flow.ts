import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { formAction, hiddenField, type HttpResponse, type HttpSession } from './http-session.ts';
import type { CeremonyOverrides, SoftAuthenticator } from './soft-authenticator.ts';
import { textOf } from './mfa-flow.ts';

const unescapeHtml = (text: string) => text.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** The WebAuthn options a passkey form carries (data-options), as passkey.js would read them. */
export function passkeyOptionsOf<T = PublicKeyCredentialRequestOptionsJSON>(html: string): T {
  const raw = /data-options="([^"]*)"/.exec(html)?.[1];
  if (raw === undefined) throw new Error(`no passkey form on the page:\n${html.slice(0, 400)}`);
  return JSON.parse(unescapeHtml(raw)) as T;
}

export const isPasskeyChallenge = (page: HttpResponse) => page.text.includes('data-passkey="authenticate"');

/** Security → Add a passkey → name → the device's dialog → the new backup code page. */
export async function addPasskeyOnSecurityPage(console: HttpSession, issuer: string, device: SoftAuthenticator, name = 'Laptop', overrides: CeremonyOverrides = {}): Promise<HttpResponse> {
  const page = await console.follow(await console.get(`${issuer}/account/security/setup/passkey`), issuer);
  if (page.status !== 200) throw new Error(`not the passkey setup page: ${page.status} ${page.url}`);
  const response = device.register(passkeyOptionsOf<PublicKeyCredentialCreationOptionsJSON>(page.text), overrides);
  return console.submitForm(`${issuer}/account/security/setup/passkey`, { csrf: hiddenField(page.text, 'csrf'), name, response: JSON.stringify(response) });
}

export function backupCodeShown(page: HttpResponse): string {
  return textOf(page.text, 'backup-code');
}

/** At the passkey page of a sign-in: the device answers its challenge and the form is sent. */
export async function answerPasskey(session: HttpSession, issuer: string, page: HttpResponse, device: SoftAuthenticator, overrides: CeremonyOverrides = {}): Promise<HttpResponse> {
  const assertion = device.authenticate(passkeyOptionsOf(page.text), overrides);
  const answer = await session.postForm(formAction(page.text, '/passkey', issuer), { csrf: hiddenField(page.text, 'csrf'), response: JSON.stringify(assertion) });
  return session.follow(answer, issuer);
}
