import { t, type MessageKey } from '../i18n/translate.ts';

/**
 * What an app may do, in the words a person reads: on the consent page (what is asked now) and on
 * the Security page (what an app was allowed), in the request's language. One list, so both pages say the same thing.
 */
const SCOPE_WORDS: Record<string, MessageKey> = {
  openid: 'access.openid',
  email: 'access.email',
  profile: 'access.profile',
  offline_access: 'access.offline_access',
};

/** Claims every ID token carries about the sign-in itself (oidc-provider never asks for them). */
const ALWAYS_GIVEN = new Set(['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss']);

export function accessInWords(scopes: readonly string[], claims: readonly string[] = []): string[] {
  const words = scopes.filter(Boolean).map((scope) => (Object.hasOwn(SCOPE_WORDS, scope) ? t(SCOPE_WORDS[scope]!) : t('access.otherScope', { scope })));
  const details = claims.filter((claim) => !ALWAYS_GIVEN.has(claim));
  if (details.length) words.push(t('access.details', { claims: details.join(', ') }));
  return words;
}
