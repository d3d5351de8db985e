/**
 * Who we are to an authenticator (WebAuthn L3 §5.1.1, §13.4.9): the RP ID is the issuer's host
 * name (no port, no scheme), or the parent domain the operator set (checked at start-up:
 * passkeyRpIdProblem), so a passkey made here is never offered on another site; the one origin we
 * accept is the issuer's (an assertion made on any other page is refused, which is what makes a
 * passkey phishing-resistant: NIST SP 800-63B rev 4 §3.2.5).
 */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

export function relyingPartyOf(issuer: string, name: string, rpId: string | null = null): RelyingParty {
  const url = new URL(issuer);
  return { id: rpId ?? url.hostname, origin: url.origin, name };
}

/**
 * The WebAuthn user handle of an account (WebAuthn L3 §5.4.3 user.id: at most 64 bytes, no
 * personal data). The account id is the OpenID subject, already an opaque identifier; it is the
 * handle as UTF-8 bytes when it fits, so a discoverable credential names its account directly.
 */
export function userHandleOf(accountId: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(accountId);
  if (bytes.length === 0 || bytes.length > 64) throw new Error('account ids used with passkeys must be 1 to 64 bytes');
  return new Uint8Array(bytes);
}

/** The account a user handle names (base64url of the UTF-8 account id); undefined for none or garbage. */
export function accountOfUserHandle(handle: string | undefined): string | undefined {
  if (!handle || handle.length > 88 || !/^[A-Za-z0-9_-]+$/.test(handle)) return undefined;
  const bytes = Buffer.from(handle, 'base64url');
  // Never a handle userHandleOf could not have made (1 to 64 bytes): the comparison after it must not throw.
  if (bytes.length === 0 || bytes.length > 64) return undefined;
  const accountId = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return accountId.length > 0 && !accountId.includes('\uFFFD') ? accountId : undefined;
}
