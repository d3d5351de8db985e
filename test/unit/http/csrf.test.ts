import { createCsrf } from '../../../src/http/csrf.ts';

describe('CSRF tokens', () => {
  const csrf = createCsrf('a cookie key that is long enough for tests');

  test('a token verifies for its own scope only', () => {
    const token = csrf.tokenFor('interaction:abc');
    expect(csrf.verify('interaction:abc', token)).toBe(true);
    expect(csrf.verify('interaction:abd', token)).toBe(false);
  });

  test.each(['', 'forged', 'x'.repeat(43), 'x'.repeat(1000)])('%j is refused', (token) => {
    expect(csrf.verify('interaction:abc', token)).toBe(false);
  });

  test('another server key gives other tokens', () => {
    expect(createCsrf('another key, also long enough here').tokenFor('s')).not.toBe(csrf.tokenFor('s'));
  });
});
