import { ACR, ACR_VALUES_SUPPORTED, AMR } from '../../../src/oidc/acr.ts';
import { acrRequestOf } from '../../../src/oidc/acr-request.ts';
import { phishingResistanceDemanded } from '../../../src/oidc/phishing-resistance.ts';
import { mfaRequirement, type RequirementInput } from '../../../src/sign-in/mfa-requirement.ts';
import { passkeyNameOf, authenticationResponseOf, registrationResponseOf } from '../../../src/factors/passkey/passkey-response.ts';
import { accountOfUserHandle, userHandleOf } from '../../../src/factors/passkey/relying-party.ts';

const base: RequirementInput = { enrolled: true, amr: ['pwd'], clientRequiresMfa: false, clientAcceptsSetUpAtSignIn: true, acrRequest: acrRequestOf(undefined, undefined), enforcement: 'optional', rememberedDevice: false };
const essential = (...values: string[]) => acrRequestOf(undefined, JSON.stringify({ id_token: { acr: { essential: true, values } } }));

describe('phishing-resistant sign-ins (EAP ACR Values 1.0 phr)', () => {
  test('acr_values_supported lists phr and not phrh; a passkey sign-in names pop and user, never hwk or swk', () => {
    expect(ACR_VALUES_SUPPORTED).toContain('phr');
    expect(ACR_VALUES_SUPPORTED).not.toContain('phrh');
    expect(AMR.passkey).toEqual(['pwd', 'pop', 'user', 'mfa']);
  });

  test.each([
    ['nothing asked', acrRequestOf(undefined, undefined), undefined, false],
    ['acr_values=phr', acrRequestOf('phr', undefined), undefined, true],
    ['acr_values with phr among others', acrRequestOf(`${ACR.mfa} phr`, undefined), undefined, true],
    ['acr_values for MFA only', acrRequestOf(ACR.mfa, undefined), undefined, false],
    ['essential phr', essential('phr'), undefined, true],
    ['essential phr or MFA: MFA meets it', essential('phr', ACR.mfa), undefined, false],
    ['require_phishing_resistant client', acrRequestOf(undefined, undefined), { require_phishing_resistant: true }, true],
    ['require_mfa client only', acrRequestOf(undefined, undefined), { require_mfa: true }, false],
  ] as const)('%s → demanded: %s', (_label, request, client, expected) => {
    expect(phishingResistanceDemanded(request, client)).toBe(expected);
  });

  test.each([
    ['password only, has a passkey', {}, 'challenge'],
    ['password only, no passkey (codes only)', { hasPasskey: false }, 'setup-first'],
    ['already MFA with an app code: not enough', { amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfa }, 'challenge'],
    ['already phr', { amr: [...AMR.passkey], acr: ACR.phishingResistant }, 'none'],
    ['a remembered device never stands in', { rememberedDevice: true }, 'challenge'],
    ['no MFA at all, no passkey', { enrolled: false, hasPasskey: false }, 'setup-first'],
  ] as const)('%s → %s', (_label, overrides, expected) => {
    expect(mfaRequirement({ ...base, phishingResistant: true, hasPasskey: true, ...overrides } as RequirementInput)).toBe(expected);
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
