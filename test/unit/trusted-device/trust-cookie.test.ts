import { trustCookieName, writeTrustCookie } from '../../../src/trusted-device/trust-cookie.ts';

describe('the trusted-device cookie', () => {
  function fakeContext(secure: boolean) {
    const set: { name: string; value: string | null; options: Record<string, unknown> }[] = [];
    const ctx = { secure, cookies: { set: (name: string, value: string | null, options: Record<string, unknown>) => set.push({ name, value, options }) } };
    return { ctx, set };
  }

  test('over https: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/, Max-Age = the trust period', () => {
    const { ctx, set } = fakeContext(true);
    writeTrustCookie(ctx as never, 'token', 30 * 86_400);
    expect(set).toEqual([{ name: '__Host-oidc-mfa-trusted', value: 'token', options: expect.objectContaining({ secure: true, httpOnly: true, sameSite: 'lax', path: '/', maxAge: 30 * 86_400_000 }) }]);
  });

  test('over plain http (development): the bare name, since browsers refuse __Host- without Secure', () => {
    const { ctx, set } = fakeContext(false);
    writeTrustCookie(ctx as never, 'token', 60);
    expect(set[0]).toMatchObject({ name: 'oidc-mfa-trusted', options: { secure: false, httpOnly: true } });
    expect(trustCookieName(true)).toBe('__Host-oidc-mfa-trusted');
  });
});
