import { validateEmail } from '../../../src/hosted/account-directory.ts';
import { normalizeEmail } from '../../../src/accounts/normalize-email.ts';
import { checkNewPassword, passwordLength } from '../../../src/accounts/password-policy.ts';
import { AppError } from '../../../src/errors.ts';

describe('emails', () => {
  test.each([
    ['  Ada@Example.COM ', 'ada@example.com'],
    ['ÉLODIE@exemple.fr', 'élodie@exemple.fr'],
  ])('%j is matched as %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  test.each([
    ['', 'EMAIL_REQUIRED'],
    ['   ', 'EMAIL_REQUIRED'],
    ['not-an-email', 'EMAIL_INVALID'],
    ['two@@example.com', 'EMAIL_INVALID'],
    ['spaces in@example.com', 'EMAIL_INVALID'],
    [`${'a'.repeat(250)}@example.com`, 'EMAIL_TOO_LONG'],
  ])('%j is refused with %s', (input, code) => {
    expect(() => validateEmail(input)).toThrow(AppError);
    try {
      validateEmail(input);
    } catch (error) {
      expect((error as AppError).code).toBe(code);
    }
  });
});

describe('new passwords (NIST SP 800-63B §3.1.1.2)', () => {
  test.each([
    ['1234567', 'PASSWORD_TOO_SHORT'],
    ['12345678', undefined],
    ['🔑🔑🔑🔑🔑🔑🔑🔑', undefined],
    ['p'.repeat(1024), undefined],
    ['p'.repeat(1025), 'PASSWORD_TOO_LONG'],
  ])('%j → %s', (password, problem) => {
    expect(checkNewPassword(password)).toBe(problem);
  });

  test('length counts code points, not UTF-16 units', () => {
    expect(passwordLength('🔑')).toBe(1);
  });
});
