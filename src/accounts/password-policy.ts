/**
 * NIST SP 800-63B §3.1.1.2: at least 8 characters, and allow at least 64. We allow 1024 and
 * refuse more so that one request cannot make argon2 hash megabytes. Counted in code points.
 */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

export function passwordLength(password: string): number {
  return [...password].length;
}

export type PasswordProblem = 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_LONG' | undefined;

export function checkNewPassword(password: string): PasswordProblem {
  const length = passwordLength(password);
  if (length < MIN_PASSWORD_LENGTH) return 'PASSWORD_TOO_SHORT';
  if (length > MAX_PASSWORD_LENGTH) return 'PASSWORD_TOO_LONG';
  return undefined;
}
