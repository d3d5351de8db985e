import { randomBytes } from 'node:crypto';
import { createMfa, MfaOptionsError, type MfaPluginOptions } from '../../../src/index.ts';
import { loadConfig } from '../../../src/hosted/config/load-config.ts';

/** The passkeys' RP ID (WebAuthn L3 §5.1.1): the issuer's host or a parent domain of it, checked at start-up on both sides. */
const ISSUER = 'https://id.example.com';

describe('PASSKEY_RP_ID (hosted)', () => {
  test('left out: null, the issuer\'s host name is used', () => {
    expect(loadConfig({ ISSUER }).mfa.passkeyRpId).toBeNull();
  });

  test.each(['id.example.com', 'example.com'])('%s is accepted for %s', (rpId) => {
    expect(loadConfig({ ISSUER, PASSKEY_RP_ID: rpId }).mfa.passkeyRpId).toBe(rpId);
  });

  test.each([
    ['another site', 'evil.test', "must be the issuer's host name (id.example.com) or a parent domain of it"],
    ['a look-alike suffix', 'ample.com', "must be the issuer's host name (id.example.com) or a parent domain of it"],
    ['a child of the issuer', 'login.id.example.com', "must be the issuer's host name"],
    ['a top-level domain', 'com', 'must not be a top-level domain'],
    ['a URL', 'https://example.com', 'must be a lower-case domain name'],
    ['a host with a port', 'example.com:443', 'must be a lower-case domain name'],
  ])('%s is refused with the setting named', (_what, rpId, problem) => {
    expect(() => loadConfig({ ISSUER, PASSKEY_RP_ID: rpId })).toThrow(`config.mfa.passkeyRpId (PASSKEY_RP_ID) ${problem}`);
  });
});

describe('settings.passkeyRpId (plugin)', () => {
  function options(passkeyRpId: string): MfaPluginOptions {
    return {
      issuer: ISSUER,
      directory: { authenticate: async () => undefined, findById: async () => undefined },
      store: {} as MfaPluginOptions['store'],
      sealingKeys: [{ id: 'k1', key: randomBytes(32) }],
      secrets: {
        csrf: ['a host CSRF secret that is long enough'],
        textCodes: ['a host text-code secret, long enough too'],
        trustedDevices: ['a host trusted-device secret, long enough'],
        loginDevices: ['a host device-cookie secret, long enough'],
      },
      settings: { passkeyRpId },
    };
  }

  test('another site is refused before anything is built, naming settings.passkeyRpId', () => {
    let refused: unknown;
    try {
      createMfa(options('evil.test'));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(MfaOptionsError);
    expect((refused as MfaOptionsError).path).toBe('settings.passkeyRpId');
    expect((refused as MfaOptionsError).message).toContain("must be the issuer's host name (id.example.com) or a parent domain of it");
  });
});
