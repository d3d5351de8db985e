import { readFileSync } from 'node:fs';
import { createAccountDirectory } from '../../../src/hosted/account-directory.ts';
import { checkNewAccountPassword } from '../../../src/hosted/password-reset/password-blocklist.ts';
import { systemClock } from '../../../src/clock.ts';
import { AppError } from '../../../src/errors.ts';
import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.ts';

describe('the common-password blocklist (NIST SP 800-63B §3.1.1.2)', () => {
  test('ships 1000 passwords, one a line, lower case, no duplicates', () => {
    const lines = readFileSync(new URL('../../../src/hosted/password-reset/common-passwords.txt', import.meta.url), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
    expect(lines).toHaveLength(1000);
    expect(new Set(lines).size).toBe(1000);
    expect(lines.every((line) => line === line.toLowerCase().trim())).toBe(true);
  });

  test.each([
    ['password123', 'PASSWORD_TOO_COMMON'],
    ['Password123', 'PASSWORD_TOO_COMMON'],
    ['  QWERTY123 ', 'PASSWORD_TOO_COMMON'],
    ['iloveyou1', 'PASSWORD_TOO_COMMON'],
    ['qwerty', 'PASSWORD_TOO_SHORT'],
    ['correct horse battery staple', undefined],
    ['p'.repeat(1025), 'PASSWORD_TOO_LONG'],
  ])('%j → %s', (password, problem) => {
    expect(checkNewAccountPassword(password)).toBe(problem);
  });

  test('the built-in directory refuses a common password for a new account and for a new password', async () => {
    const store = openSqliteStore({ file: ':memory:', sweepIntervalMs: 0 });
    try {
      const directory = createAccountDirectory(store.accounts, systemClock);
      await expect(directory.add({ email: 'a@example.com', password: 'letmein123' })).rejects.toEqual(new AppError('PASSWORD_TOO_COMMON'));
      await directory.add({ email: 'a@example.com', password: 'a long and uncommon password' });
      await expect(directory.setPassword('a@example.com', 'welcome123')).rejects.toEqual(new AppError('PASSWORD_TOO_COMMON'));
      expect(await directory.authenticate('a@example.com', 'a long and uncommon password')).toBeDefined();
    } finally {
      await store.close();
    }
  });
});
