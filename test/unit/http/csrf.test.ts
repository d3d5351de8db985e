import { createCsrf } from '../../../src/http/csrf.ts';

describe('CSRF tokens', () => {
  const csrf = createCsrf(['a cookie key that is long enough for tests']);

  test('a token verifies for its own scope only', () => {
    const token = csrf.tokenFor('interaction:abc');
    expect(csrf.verify('interaction:abc', token)).toBe(true);
    expect(csrf.verify('interaction:abd', token)).toBe(false);
  });

  test.each(['', 'forged', 'x'.repeat(43), 'x'.repeat(1000)])('%j is refused', (token) => {
    expect(csrf.verify('interaction:abc', token)).toBe(false);
  });

  test('another server key gives other tokens', () => {
    expect(createCsrf(['another key, also long enough here']).tokenFor('s')).not.toBe(csrf.tokenFor('s'));
  });

  test('rotation: a new secret in front makes the tokens, a token made under the old one still verifies until the old one is dropped', () => {
    const old = csrf.tokenFor('interaction:abc');
    const rotated = createCsrf(['the new cookie key, long enough for tests', 'a cookie key that is long enough for tests']);
    expect(rotated.tokenFor('interaction:abc')).not.toBe(old);
    expect(rotated.verify('interaction:abc', old)).toBe(true);
    expect(rotated.verify('interaction:abc', rotated.tokenFor('interaction:abc'))).toBe(true);
    expect(createCsrf(['the new cookie key, long enough for tests']).verify('interaction:abc', old)).toBe(false);
  });
});
