import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/** The longest credential JSON read from a form (a packed attestation with its certificate fits well within). */
const MAX_RESPONSE_CHARS = 12_000;

/**
 * The browser's answer, as @simplewebauthn/browser serialises a PublicKeyCredential (WebAuthn L3
 * §5.1 toJSON), read from a hidden form field. Only the shape is checked here; every byte is
 * checked by the ceremony. Anything else is no answer at all (undefined), never an exception.
 */
function credentialJson(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw || raw.length > MAX_RESPONSE_CHARS) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const value = parsed as Record<string, unknown>;
  const ok = typeof value.id === 'string' && typeof value.rawId === 'string' && value.type === 'public-key'
    && typeof value.response === 'object' && value.response !== null;
  return ok ? value : undefined;
}

export function registrationResponseOf(raw: string | undefined): RegistrationResponseJSON | undefined {
  const value = credentialJson(raw);
  const response = value?.response as Record<string, unknown> | undefined;
  return response && typeof response.attestationObject === 'string' && typeof response.clientDataJSON === 'string'
    ? (value as unknown as RegistrationResponseJSON) : undefined;
}

export function authenticationResponseOf(raw: string | undefined): AuthenticationResponseJSON | undefined {
  const value = credentialJson(raw);
  const response = value?.response as Record<string, unknown> | undefined;
  return response && typeof response.authenticatorData === 'string' && typeof response.clientDataJSON === 'string' && typeof response.signature === 'string'
    ? (value as unknown as AuthenticationResponseJSON) : undefined;
}

/** A passkey's name as its owner typed it: trimmed, 1 to 64 characters, no control characters. */
export function passkeyNameOf(raw: string | undefined): string | undefined {
  const name = (raw ?? '').replace(/\p{Cc}/gu, '').trim();
  return name.length >= 1 && name.length <= 64 ? name : undefined;
}
