import type { Context } from 'koa';
import { distinctWays, supportWays, tryAgain } from '../../../src/http/ways-on.ts';

const ctx = (method: string, path: string, querystring = '') => ({ method, path, querystring }) as Context;

describe('ways on from an error page', () => {
  test.each([
    ['/auth', 'client_id=a&x=1', '/auth?client_id=a&x=1'],
    ['/account/security', '', '/account/security'],
    // A request for `//evil.example/x` must not become a protocol-relative link off-site.
    ['//evil.example/x', '', '/evil.example/x'],
    ['/\\evil.example', '', '/evil.example'],
  ])('"Try again" for GET %s?%s stays on this host: %s', (path, query, href) => {
    expect(tryAgain(ctx('GET', path, query))).toEqual({ href, text: 'Try again' });
  });

  test('"Try again" is not offered for a POST (a refresh would re-send the form)', () => {
    expect(tryAgain(ctx('POST', '/interaction/x/login'))).toBeUndefined();
  });

  test('a backslash after the start gives no link at all', () => {
    expect(tryAgain(ctx('GET', '/a\\b'))).toBeUndefined();
  });

  test('support links only for what is configured', () => {
    expect(supportWays({ url: null, email: null })).toEqual([]);
    expect(supportWays({ url: 'https://help.example.com', email: 'help@example.com' })).toEqual([
      { href: 'https://help.example.com', text: 'Contact support' },
      { href: 'mailto:help@example.com', text: 'Email support: help@example.com' },
    ]);
  });

  test('the same address is offered once, in the order given', () => {
    expect(distinctWays([{ href: '/a', text: 'A' }, undefined, { href: '/a', text: 'A again' }, { href: '/b', text: 'B' }]).map((w) => w.text)).toEqual(['A', 'B']);
  });
});
