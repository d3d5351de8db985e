import { backupCodeDownloadHref } from '../../../src/factors/backup-code/shown-backup-code.ts';

describe('the new backup code\'s Download link', () => {
  test('is a text/plain data: URL holding that code and fixed words, nothing else of the account', () => {
    const href = backupCodeDownloadHref('ABCD-EFGH-JKLM-NPQR');
    const prefix = 'data:text/plain;charset=utf-8,';
    expect(href.startsWith(prefix)).toBe(true);
    const text = decodeURIComponent(href.slice(prefix.length));
    expect(text.split('\n')).toContain('ABCD-EFGH-JKLM-NPQR');
    // Only the code varies: two codes give texts that differ in the code alone.
    expect(decodeURIComponent(backupCodeDownloadHref('ZZZZ-ZZZZ-ZZZZ-ZZZZ').slice(prefix.length))).toBe(text.replace('ABCD-EFGH-JKLM-NPQR', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'));
  });
});
