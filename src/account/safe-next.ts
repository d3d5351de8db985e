/**
 * Where to go after signing in to the console: only our own /account/ pages. Anything else
 * (`//evil`, `/\evil`, `https://good@evil`, encoded variants) falls back to the Security page,
 * so the parameter cannot become an open redirect (OWASP ASVS 5.0 V3, Web Frontend Security).
 */
export const SECURITY_PAGE = '/account/security';

export function safeNext(input: unknown): string {
  if (typeof input !== 'string' || input.length > 200) return SECURITY_PAGE;
  let decoded: string;
  try {
    decoded = decodeURIComponent(input);
  } catch {
    return SECURITY_PAGE;
  }
  const plain = /^\/account\/[a-z0-9/-]*$/;
  return plain.test(input) && plain.test(decoded) && !decoded.includes('//') ? input : SECURITY_PAGE;
}
