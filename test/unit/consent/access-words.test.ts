import { accessInWords } from '../../../src/consent/access-words.ts';

describe('what an app may do, in plain words (consent page and Apps with access alike)', () => {
  test.each([
    [['openid'], [], ['Know who you are when you sign in']],
    [['openid', 'email', 'profile', 'offline_access'], [], [
      'Know who you are when you sign in', 'See your email address', 'See your name', 'Stay connected to your account while you are away',
    ]],
    [['payments:read'], [], ['Use "payments:read"']],
    [['', 'email', ''], [], ['See your email address']],
    [[], ['email', 'sub', 'acr', 'amr', 'auth_time', 'sid', 'iss'], ['See these details: email']],
    [[], ['sub', 'acr'], []],
  ])('%j with claims %j', (scopes, claims, words) => {
    expect(accessInWords(scopes, claims)).toEqual(words);
  });
});
