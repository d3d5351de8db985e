import { safeNext, SECURITY_PAGE } from '../../../src/account/safe-next.ts';

describe('safeNext: only our own /account/ pages', () => {
  test.each(['/account/security', '/account/security/backup-code', '/account/security/setup'])('%s is kept', (path) => {
    expect(safeNext(path)).toBe(path);
  });

  test.each([
    '//evil.example', '/\\evil.example', 'https://good@evil.example', 'https://evil.example/account/security',
    '/account//evil.example', '/account/%2F%2Fevil.example', '%2F%2Fevil.example', '/account/security?x=//evil',
    '/account/../session/end', '/Account/security', '', undefined, ['/account/security'], '/account/' + 'a'.repeat(300),
  ])('%j falls back to the Security page', (input) => {
    expect(safeNext(input)).toBe(SECURITY_PAGE);
  });
});
