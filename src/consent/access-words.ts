/**
 * What an app may do, in the words a person reads: on the consent page (what is asked now) and on
 * the Security page (what an app was allowed). One list, so both pages say the same thing.
 */
const SCOPE_WORDS: Record<string, string> = {
  openid: 'Know who you are when you sign in',
  email: 'See your email address',
  profile: 'See your name',
  offline_access: 'Stay connected to your account while you are away',
};

/** Claims every ID token carries about the sign-in itself (oidc-provider never asks for them). */
const ALWAYS_GIVEN = new Set(['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss']);

export function accessInWords(scopes: readonly string[], claims: readonly string[] = []): string[] {
  const words = scopes.filter(Boolean).map((scope) => SCOPE_WORDS[scope] ?? `Use "${scope}"`);
  const details = claims.filter((claim) => !ALWAYS_GIVEN.has(claim));
  if (details.length) words.push(`See these details: ${details.join(', ')}`);
  return words;
}
