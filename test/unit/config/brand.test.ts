import { createMfa, MfaOptionsError, type MfaPluginOptions } from '../../../src/index.ts';
import { ConfigError } from '../../../src/config/config-error.ts';
import { contrastRatio } from '../../../src/config/contrast.ts';
import { loadConfig } from '../../../src/hosted/config/load-config.ts';
import { brandOf } from '../../../src/http/brand.ts';
import { contentSecurityPolicy } from '../../../src/http/security-headers.ts';
import { hostOptions } from '../../helpers/host-options.ts';

const brandOptions = (settings: MfaPluginOptions['settings']): MfaPluginOptions => hostOptions({ settings });

function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('accepted');
}

describe('brand settings (issue 13 §7)', () => {
  test('WCAG contrast ratios: black/white 21:1, the built-in blue 6.5:1, #767676 just over 4.5:1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#2457c5')).toBeCloseTo(6.47, 1);
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
  });

  test('the plugin refuses at start-up a primary colour under 4.5:1 on white, saying why and by how much', () => {
    const error = thrown(() => createMfa(brandOptions({ primaryColor: '#4f8ff7' })));
    expect(error).toBeInstanceOf(MfaOptionsError);
    expect(error.message).toMatch(/^createMfa: settings\.primaryColor must have a contrast of at least 4\.5:1 against white .*WCAG 2\.1 1\.4\.3.*#4f8ff7 has 3\.\d\d:1/);
    expect(thrown(() => createMfa(brandOptions({ primaryColor: 'navy' }))).message).toContain('settings.primaryColor must be a colour written #rrggbb');
  });

  test('the hosted app refuses PRIMARY_COLOR under 4.5:1 with its variable name, among every other problem', () => {
    const error = thrown(() => loadConfig({ PRIMARY_COLOR: '#ffcc00', LOGO_URL: 'javascript:alert(1)', PRODUCT_NAME: 'two\nlines' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('config.mfa.primaryColor (PRIMARY_COLOR) must have a contrast of at least 4.5:1');
    expect(error.message).toContain('config.mfa.logoUrl (LOGO_URL) must be an http(s) URL');
    expect(error.message).toContain('config.mfa.productName (PRODUCT_NAME) must be a name of 1 to 64 characters on one line');
  });

  test('given: the names, logo and colour as set; left out: the issuer\'s host name, no logo, the built-in colour', () => {
    const config = loadConfig({ PRODUCT_NAME: 'Acme Account', AUTHENTICATOR_LABEL: 'Acme', LOGO_URL: 'https://cdn.acme.example/logo.svg', PRIMARY_COLOR: '#0b5d1e' });
    expect(brandOf(config.mfa, config.issuer)).toEqual({ productName: 'Acme Account', issuerLabel: 'Acme', logoUrl: 'https://cdn.acme.example/logo.svg', primaryColor: '#0b5d1e' });
    const plain = loadConfig({});
    expect(brandOf(plain.mfa, 'https://id.example.com')).toEqual({ productName: 'id.example.com', issuerLabel: 'id.example.com', logoUrl: null, primaryColor: null });
    expect(brandOf({ ...plain.mfa, productName: 'Acme' }, 'https://id.example.com').issuerLabel).toBe('Acme');
  });

  test('the CSP allows the logo\'s origin for images only, and nothing of it but the origin', () => {
    const policy = contentSecurityPolicy(['https://cdn.acme.example']);
    expect(policy).toContain("img-src 'self' data: https://cdn.acme.example;");
    expect(policy).toContain("script-src 'self';");
    expect(contentSecurityPolicy()).toContain("img-src 'self' data:;");
  });
});
