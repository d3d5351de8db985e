import { HttpSession, hiddenField } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { openSecurityPage } from '../helpers/mfa-flow.ts';
import { readOutbox } from '../helpers/sms-outbox.ts';
import { testConfig } from '../helpers/test-config.ts';
import type { Config } from '../../src/hosted/config/schema.ts';

const PASSWORD = 'a password for brand tests';
const LOGO = 'https://cdn.acme.example/logo.svg';
const PHONE = '+447400123999';

/** Issue 13 §7: the operator's brand on the pages, in the authenticator label and in the text message; no "oidc-mfa", no jargon. */
describe('brand settings on the hosted provider', () => {
  let outbox = '';
  const { idp } = useIdpWorld('sqlite', {
    config: () => {
      const base = testConfig();
      outbox = base.sms.outboxFile!;
      const sms: Config['sms'] = { ...base.sms, allowedCountries: ['GB'] };
      return { dataDir: base.dataDir, sms, mfa: { ...base.mfa, productName: 'Acme Account', issuerLabel: 'Acme', logoUrl: LOGO, primaryColor: '#0b5d1e' } };
    },
  });

  async function signedIn(name: string) {
    const email = `${name}@example.com`;
    await idp.directory.add({ email, password: PASSWORD });
    const session = new HttpSession();
    const security = await openSecurityPage(session, idp.issuer, { email, password: PASSWORD });
    return { session, security };
  }

  test('every page: the product name in the title, the logo (its origin alone allowed by the CSP), the colour\'s stylesheet', async () => {
    const { session, security } = await signedIn('brand-pages');
    expect(security.text).toMatch(/<title>Security · Acme Account<\/title>/);
    expect(security.text).toContain(`<img src="${LOGO}" alt="Acme Account">`);
    expect(security.text).toContain('<link rel="stylesheet" href="/static/brand.css">');
    expect(security.text).toContain('2-step verification');
    for (const word of ['oidc-mfa', 'Multi-factor', 'multi-factor', 'identity provider']) expect(security.text).not.toContain(word);
    expect(security.headers.get('content-security-policy')).toContain("img-src 'self' data: https://cdn.acme.example;");
    const css = await session.get(`${idp.issuer}/static/brand.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.text).toBe('@media (prefers-color-scheme: light) { :root { --accent: #0b5d1e; } }\n');
    const error = await session.get(`${idp.issuer}/interaction/no-such-sign-in`);
    expect(error.text).toMatch(/<title>Error: [^<]+ · Acme Account<\/title>/);
  });

  test('the authenticator app is labelled with issuerLabel (otpauth issuer), the text message speaks of the product', async () => {
    const { session } = await signedIn('brand-labels');
    const choose = await session.get(`${idp.issuer}/account/security/setup`);
    const qrPage = await session.follow(await session.postForm(`${idp.issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'totp' }), idp.issuer);
    const link = new URL(/id="open-app" href="([^"]+)"/.exec(qrPage.text)![1]!.replaceAll('&amp;', '&'));
    expect(link.protocol).toBe('otpauth:');
    expect(link.host).toBe('totp');
    expect(decodeURIComponent(link.pathname)).toBe('/Acme:brand-labels@example.com');
    expect(link.searchParams.get('issuer')).toBe('Acme');

    const phonePage = await session.follow(await session.postForm(`${idp.issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'sms' }), idp.issuer);
    await session.submitForm(`${idp.issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone: PHONE });
    const message = readOutbox(outbox).filter((m) => m.to === PHONE).at(-1)!;
    expect(message.body).toMatch(/^\d{6} is your Acme Account code\. /);
  });
});
