import { createHash, randomBytes } from 'node:crypto';
import { providerCookieNames } from '../../src/hosted/provider/provider-cookies.ts';
import { HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { isCallback, submitPassword } from '../helpers/oidc-flow.ts';
import { RP_CALLBACK } from '../helpers/start-idp.ts';

const PUBLIC_ORIGIN = 'https://id.test';
const PASSWORD = 'a password for cookie tests';

/**
 * A browser talking to `https://id.test` through a TLS-terminating balancer: requests really go
 * to the test server over http with `X-Forwarded-Proto: https` and `X-Forwarded-Host`
 * (TRUST_PROXY=true), and every
 * Set-Cookie line is kept for the assertions.
 */
class BrowserBehindTlsProxy extends HttpSession {
  readonly setCookies: string[] = [];
  private readonly localOrigin: string;

  constructor(localOrigin: string) {
    super({ 'x-forwarded-proto': 'https', 'x-forwarded-host': new URL(PUBLIC_ORIGIN).host });
    this.localOrigin = localOrigin;
  }

  override async request(url: string, init: RequestInit = {}): Promise<HttpResponse> {
    const response = await super.request(url.replace(PUBLIC_ORIGIN, this.localOrigin), init);
    this.setCookies.push(...response.headers.getSetCookie());
    const toPublic = (value: string) => value.replace(this.localOrigin, PUBLIC_ORIGIN);
    return { ...response, url: toPublic(response.url), location: response.location && toPublic(response.location) };
  }
}

const attributesOf = (line: string) => line.split(';').slice(1).map((a) => a.trim().toLowerCase());
const nameOf = (line: string) => line.slice(0, line.indexOf('='));

describe("oidc-provider's own cookies over https", () => {
  const { idp } = useIdpWorld('sqlite', { fakeTimeIn: 'nothing', config: { issuer: PUBLIC_ORIGIN, trustProxy: true } });

  test('session: __Host- (Secure, Path=/, no Domain); interaction cookies: __Secure- (their own paths rule out __Host-)', async () => {
    const email = 'cookies@example.com';
    await idp.directory.add({ email, password: PASSWORD });
    const browser = new BrowserBehindTlsProxy(idp.issuer);
    const verifier = randomBytes(32).toString('base64url');
    const authorization = new URL(`${PUBLIC_ORIGIN}/auth`);
    authorization.search = new URLSearchParams({
      client_id: 'first-party-app', response_type: 'code', redirect_uri: RP_CALLBACK, scope: 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    }).toString();
    const login = await browser.follow(await browser.get(authorization.href), PUBLIC_ORIGIN);
    expect(login.text).toContain('autocomplete="current-password"');
    const callback = await submitPassword(browser, PUBLIC_ORIGIN, login, email, PASSWORD);
    expect(isCallback(callback)).toBe(true);

    const set = browser.setCookies.filter((line) => !/^oidc_mfa_/.test(line));
    const names = new Set(set.map(nameOf));
    expect([...names].sort()).toEqual([
      // The browser's sign-in device cookie (OWASP device cookies, guard/login-device-cookie.ts): ours, held to the same rules.
      '__Host-oidc-mfa-device', '__Host-oidc-mfa-device.sig',
      '__Host-session', '__Host-session.sig',
      '__Secure-interaction', '__Secure-interaction.sig',
      '__Secure-interaction_resume', '__Secure-interaction_resume.sig',
      // "This sign-in is finished", for Back (sign-in/finished-sign-in.ts): ours, on the interaction's own path.
      '__Secure-oidc-mfa-finished', '__Secure-oidc-mfa-finished.sig',
    ]);
    for (const line of set) {
      const attributes = attributesOf(line);
      expect({ line, secure: attributes.includes('secure'), httpOnly: attributes.includes('httponly') }).toEqual({ line, secure: true, httpOnly: true });
      expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    }
    for (const line of set.filter((l) => l.startsWith('__Host-'))) expect(attributesOf(line)).toContain('path=/');
    const interaction = set.find((l) => l.startsWith('__Secure-interaction='))!;
    expect(attributesOf(interaction).find((a) => a.startsWith('path='))).toMatch(/^path=\/interaction\/[\w-]+$/);
    const finished = set.find((l) => l.startsWith('__Secure-oidc-mfa-finished='))!;
    expect(attributesOf(finished).find((a) => a.startsWith('path='))).toBe(attributesOf(interaction).find((a) => a.startsWith('path=')));
    const resume = set.find((l) => l.startsWith('__Secure-interaction_resume='))!;
    expect(attributesOf(resume).find((a) => a.startsWith('path='))).toMatch(/^path=\/auth\/[\w-]+$/);
  });

  test.each([
    ['over plain http (development)', { issuer: 'http://localhost:3000', trustProxy: false }],
    ['with an https issuer but an untrusted balancer (requests never count as https)', { issuer: 'https://id.example.com', trustProxy: false }],
  ])('%s the names stay unprefixed: browsers refuse the prefixes without Secure', (_label, config) => {
    expect(providerCookieNames(config)).toEqual({ session: '_session', interaction: '_interaction', resume: '_interaction_resume' });
  });
});
