import { mfaRequirement, type RequirementInput } from '../../../src/mfa/mfa-requirement.ts';
import { ACR, PAPE_MULTI_FACTOR } from '../../../src/provider/acr.ts';

const base: RequirementInput = { enrolled: false, amr: ['pwd'], clientRequiresMfa: false, acrValues: undefined, enforcement: 'optional', rememberedDevice: false };

describe('mfaRequirement', () => {
  test.each([
    ['no MFA, nothing asks for it', {}, 'none'],
    ['enrolled account, password only so far', { enrolled: true }, 'challenge'],
    ['enrolled account, already multi-factor', { enrolled: true, amr: ['pwd', 'otp', 'mfa'] }, 'none'],
    ['require_mfa client, account without MFA', { clientRequiresMfa: true }, 'enrol'],
    ['require_mfa client, enrolled account', { clientRequiresMfa: true, enrolled: true }, 'challenge'],
    ['acr_values asks for our MFA level', { acrValues: `${ACR.mfa}`, enrolled: true }, 'challenge'],
    ['acr_values asks for PAPE multi-factor', { acrValues: `foo ${PAPE_MULTI_FACTOR}`, enrolled: true }, 'challenge'],
    ['acr_values asks only for the password level', { acrValues: ACR.password }, 'none'],
    ['enforcement required, account without MFA', { enforcement: 'required' }, 'enrol'],
    ['enforcement required, already multi-factor', { enforcement: 'required', amr: ['pwd', 'mfa'] }, 'none'],
    ['enrolled, on a remembered device the client accepts', { enrolled: true, rememberedDevice: true }, 'none'],
    ['enrolled, remembered device, but acr_values asks for MFA', { enrolled: true, rememberedDevice: true, acrValues: ACR.mfa }, 'challenge'],
  ] as const)('%s → %s', (_label, overrides, expected) => {
    expect(mfaRequirement({ ...base, ...overrides } as RequirementInput)).toBe(expected);
  });
});
