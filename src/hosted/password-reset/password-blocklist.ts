import { readFileSync } from 'node:fs';
import { checkNewPassword, type PasswordProblem } from '../../accounts/password-policy.ts';

/** Shipped beside this file (common-passwords.txt); read once. */
const COMMON = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line && !line.startsWith('#')),
);

export type NewPasswordProblem = NonNullable<PasswordProblem> | 'PASSWORD_TOO_COMMON' | undefined;

/**
 * Every new password of the built-in directory (an account added, `user set-password`, a reset):
 * the usual policy (password-policy.ts: length), then the blocklist: NIST SP 800-63B §3.1.1.2
 * asks that a new password be compared with commonly used ones and refused when it is one.
 * Compared without case and surrounding spaces, so "Password1 " is "password1".
 */
export function checkNewAccountPassword(password: string): NewPasswordProblem {
  const problem = checkNewPassword(password);
  if (problem) return problem;
  return COMMON.has(password.trim().toLowerCase()) ? 'PASSWORD_TOO_COMMON' : undefined;
}
