import { ACR, acrValuesSupported, AMR } from '../../../src/oidc/acr.ts';
import { acrRequestOf } from '../../../src/oidc/acr-request.ts';
import { meetsPhishingResistance, phishingResistanceDemanded } from '../../../src/oidc/phishing-resistance.ts';
import { passkeyAcrOf, passkeyAmrOf } from '../../../src/factors/passkey/passkey-acr.ts';
import type { InteractionDetails } from '../../../src/sign-in/interaction-io.ts';
import { mfaRequirement, type RequirementInput } from '../../../src/sign-in/mfa-requirement.ts';
import { passkeyNameOf, authenticationResponseOf, registrationResponseOf } from '../../../src/factors/passkey/passkey-response.ts';
import { accountOfUserHandle, userHandleOf } from '../../../src/factors/passkey/relying-party.ts';

const base: RequirementInput = { enrolled: true, amr: ['pwd'], clientRequiresMfa: false, clientAcceptsSetUpAtSignIn: true, acrRequest: acrRequestOf(undefined, undefined), enforcement: 'optional', rememberedDevice: false };
const essential = (...values: string[]) => acrRequestOf(undefined, JSON.stringify({ id_token: { acr: { essential: true, values } } }));

describe('phishing-resistant sign-ins (EAP ACR Values 1.0 phr)', () => {
  test('acr_values_supported lists phr, and phrh only with attestation roots; amr says hwk only for a hardware-bound key', () => {
    expect(acrValuesSupported(false)).toContain('phr');
    expect(acrValuesSupported(false)).not.toContain('phrh');
    expect(acrValuesSupported(true)).toEqual(expect.arrayContaining(['phr', 'phrh']));
    expect(passkeyAmrOf(false, true)).toEqual(['pwd', 'pop', 'user', 'mfa']);
    expect(passkeyAmrOf(true, true)).toEqual(['pwd', 'hwk', 'user', 'mfa']);
    expect(passkeyAmrOf(false, false)).toEqual(['pop', 'user', 'mfa']);
    expect(passkeyAmrOf(true, false)).toEqual(['hwk', 'user', 'mfa']);
  });

  test.each([
    ['nothing asked', acrRequestOf(undefined, undefined), undefined, undefined],
    ['acr_values=phr', acrRequestOf('phr', undefined), undefined, 'phr'],
    ['acr_values with phr among others', acrRequestOf(`${ACR.mfa} phr`, undefined), undefined, 'phr'],
    ['acr_values=phrh', acrRequestOf('phrh', undefined), undefined, 'phrh'],
    ['acr_values with phr and phrh: the stronger is asked for', acrRequestOf('phr phrh', undefined), undefined, 'phrh'],
    ['acr_values for MFA only', acrRequestOf(ACR.mfa, undefined), undefined, undefined],
    ['essential phr', essential('phr'), undefined, 'phr'],
    ['essential phrh', essential('phrh'), undefined, 'phrh'],
    ['essential phrh or phr: phr meets it', essential('phrh', 'phr'), undefined, 'phr'],
    ['essential phr or MFA: MFA meets it', essential('phr', ACR.mfa), undefined, undefined],
    ['require_phishing_resistant client', acrRequestOf(undefined, undefined), { require_phishing_resistant: true }, 'phr'],
    ['require_phishing_resistant client and acr_values=phrh', acrRequestOf('phrh', undefined), { require_phishing_resistant: true }, 'phrh'],
    ['require_mfa client only', acrRequestOf(undefined, undefined), { require_mfa: true }, undefined],
  ] as const)('%s → demanded: %s', (_label, request, client, expected) => {
    expect(phishingResistanceDemanded(request, client)).toBe(expected);
  });

  test('phrh meets both demands, phr only phr, nothing else either', () => {
    expect(meetsPhishingResistance('phrh', 'phrh')).toBe(true);
    expect(meetsPhishingResistance('phrh', 'phr')).toBe(true);
    expect(meetsPhishingResistance('phr', 'phr')).toBe(true);
    expect(meetsPhishingResistance('phr', 'phrh')).toBe(false);
    for (const acr of [ACR.mfa, ACR.rememberedDevice, ACR.password, undefined]) {
      expect(meetsPhishingResistance(acr, 'phr')).toBe(false);
      expect(meetsPhishingResistance(acr, 'phrh')).toBe(false);
    }
  });

  test.each([
    ['password only, has a passkey', {}, 'challenge'],
    ['password only, no passkey (codes only)', { hasPasskey: false }, 'setup-first'],
    ['already MFA with an app code: not enough', { amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfa }, 'challenge'],
    ['already phr', { amr: [...AMR.passkey], acr: ACR.phishingResistant }, 'none'],
    ['already phrh', { amr: [...AMR.passkeyHardware], acr: ACR.phishingResistantHardware }, 'none'],
    ['a remembered device never stands in', { rememberedDevice: true }, 'challenge'],
    ['no MFA at all, no passkey', { enrolled: false, hasPasskey: false }, 'setup-first'],
  ] as const)('phr demanded: %s → %s', (_label, overrides, expected) => {
    expect(mfaRequirement({ ...base, phishingResistant: 'phr', hasPasskey: true, ...overrides } as RequirementInput)).toBe(expected);
  });

  test.each([
    ['a hardware-bound passkey', { hasHardwarePasskey: true }, 'challenge'],
    ['passkeys, none hardware-bound', { hasHardwarePasskey: false }, 'setup-first'],
    ['already phr (a synced passkey): not enough', { hasHardwarePasskey: true, amr: [...AMR.passkey], acr: ACR.phishingResistant }, 'challenge'],
    ['already phrh', { hasHardwarePasskey: true, amr: [...AMR.passkeyHardware], acr: ACR.phishingResistantHardware }, 'none'],
    ['a remembered device never stands in', { hasHardwarePasskey: true, rememberedDevice: true }, 'challenge'],
  ] as const)('phrh demanded: %s → %s', (_label, overrides, expected) => {
    expect(mfaRequirement({ ...base, phishingResistant: 'phrh', hasPasskey: true, ...overrides } as RequirementInput)).toBe(expected);
  });

  test.each([
    ['nothing asked, synced key', undefined, undefined, false, 'phr'],
    ['nothing asked, hardware key', undefined, undefined, true, 'phrh'],
    ['essential phr, hardware key: the issued acr must be one asked for', undefined, { id_token: { acr: { essential: true, values: ['phr'] } } }, true, 'phr'],
    ['essential MFA, synced key', undefined, { id_token: { acr: { essential: true, values: [ACR.mfa] } } }, false, ACR.mfa],
    ['voluntary phr, hardware key: the stronger truth', 'phr', undefined, true, 'phrh'],
  ] as const)('a passkey sign-in\'s acr: %s → %s', (_label, acrValues, claims, hardwareBound, expected) => {
    const details = { params: { acr_values: acrValues, claims: claims && JSON.stringify(claims) } } as unknown as InteractionDetails;
    expect(passkeyAcrOf(details, hardwareBound)).toBe(expected);
  });

  test('form fields: a passkey name is 1–64 characters without control characters; garbage is no response', () => {
    expect(passkeyNameOf('  Work laptop ')).toBe('Work laptop');
    expect(passkeyNameOf('\u0000\u0007')).toBeUndefined();
    expect(passkeyNameOf('x'.repeat(65))).toBeUndefined();
    for (const raw of [undefined, '', 'not json', '[]', 'null', '{"id":1}', JSON.stringify({ id: 'a', rawId: 'a', type: 'public-key', response: {} }), 'x'.repeat(20_000)]) {
      expect(authenticationResponseOf(raw)).toBeUndefined();
      expect(registrationResponseOf(raw)).toBeUndefined();
    }
  });

  test('user handles: an account id round-trips; empty, over-long, non-base64url or broken UTF-8 names no account', () => {
    const handle = Buffer.from(userHandleOf('sub-alice')).toString('base64url');
    expect(accountOfUserHandle(handle)).toBe('sub-alice');
    for (const bad of [undefined, '', '***', Buffer.alloc(65, 97).toString('base64url'), Buffer.from([0xff, 0xfe]).toString('base64url')]) {
      expect(accountOfUserHandle(bad)).toBeUndefined();
    }
  });
});
