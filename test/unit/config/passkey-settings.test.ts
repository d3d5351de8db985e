import { createMfa, MfaOptionsError, type MfaPluginOptions } from '../../../src/index.ts';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/hosted/config/load-config.ts';
import { createAttestationVendor } from '../../helpers/attestation-ca.ts';
import { hostOptions } from '../../helpers/host-options.ts';
import { tempDir } from '../../helpers/server-process.ts';

/**
 * The passkey settings, checked at start-up: the RP ID (WebAuthn L3 §5.1.1: the issuer's host or a
 * parent domain of it) on both sides, and the attestation roots (PEM CA certificates, from a file).
 */
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
  const options = (passkeyRpId: string): MfaPluginOptions => hostOptions({ issuer: ISSUER, settings: { passkeyRpId } });

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

describe('PASSKEY_ATTESTATION_ROOTS (hosted): a file of PEM attestation roots', () => {
  const vendor = createAttestationVendor('Config Keys');
  const other = createAttestationVendor('Other Keys');
  const work = tempDir('oidc-mfa-roots-');
  afterAll(() => work.remove());
  const file = (name: string, content: string) => {
    const where = path.join(work.dir, name);
    writeFileSync(where, content);
    return where;
  };

  test('left out: no roots (attestation none, no phrh)', () => {
    expect(loadConfig({ ISSUER }).mfa.passkeyAttestationRoots).toEqual([]);
  });

  test('a bundle of two roots, with text around them as vendors ship it, gives both', () => {
    const bundle = file('roots.pem', `# Config Keys\n${vendor.rootPem}\nOther Keys:\n${other.rootPem}`);
    expect(loadConfig({ ISSUER, PASSKEY_ATTESTATION_ROOTS: bundle }).mfa.passkeyAttestationRoots).toEqual([vendor.rootPem.trim(), other.rootPem.trim()]);
  });

  test.each([
    ['a file that is not there', () => path.join(work.dir, 'missing.pem'), 'PASSKEY_ATTESTATION_ROOTS could not be read'],
    ['a file with no certificate', () => file('empty.pem', 'nothing here'), 'PASSKEY_ATTESTATION_ROOTS holds no PEM certificate'],
    ['a device (leaf) certificate instead of a root', () => file('leaf.pem', new X509Certificate(vendor.chain[0]!).toString()), 'config.mfa.passkeyAttestationRoots[0] must be a CA certificate'],
    ['a broken certificate', () => file('broken.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'), 'config.mfa.passkeyAttestationRoots[0] must be a PEM certificate'],
  ])('%s is refused at start-up, saying what is wrong', (_case, where, problem) => {
    expect(() => loadConfig({ ISSUER, PASSKEY_ATTESTATION_ROOTS: where() })).toThrow(problem);
  });
});
