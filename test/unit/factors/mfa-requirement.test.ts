import { mfaRequirement, type RequirementInput } from '../../../src/sign-in/mfa-requirement.ts';
import { ACR, PAPE_MULTI_FACTOR } from '../../../src/oidc/acr.ts';
import { acrRequestOf } from '../../../src/oidc/acr-request.ts';

const base: RequirementInput = { enrolled: false, amr: ['pwd'], clientRequiresMfa: false, clientAcceptsSetUpAtSignIn: true, acrRequest: acrRequestOf(undefined, undefined), enforcement: 'optional', rememberedDevice: false };
const acrValues = (values: string) => acrRequestOf(values, undefined);
const essential = (...values: string[]) => acrRequestOf(undefined, JSON.stringify({ id_token: { acr: { essential: true, values } } }));
const afterSetUp = { enrolled: true, amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfaSetUpAtSignIn };

describe('mfaRequirement', () => {
  test.each([
    ['no MFA, nothing asks for it', {}, 'none'],
    ['enrolled account, password only so far', { enrolled: true }, 'challenge'],
    ['enrolled account, already multi-factor', { enrolled: true, amr: ['pwd', 'otp', 'mfa'] }, 'none'],
    ['require_mfa client, account without MFA', { clientRequiresMfa: true }, 'enrol'],
    ['require_mfa client, enrolled account', { clientRequiresMfa: true, enrolled: true }, 'challenge'],
    ['acr_values asks for our MFA level', { acrRequest: acrValues(ACR.mfa), enrolled: true }, 'challenge'],
    ['acr_values asks for PAPE multi-factor', { acrRequest: acrValues(`foo ${PAPE_MULTI_FACTOR}`), enrolled: true }, 'challenge'],
    ['acr_values asks only for the password level', { acrRequest: acrValues(ACR.password) }, 'none'],
    ['enforcement required, account without MFA', { enforcement: 'required' }, 'enrol'],
    ['enforcement required, already multi-factor', { enforcement: 'required', amr: ['pwd', 'mfa'] }, 'none'],
    ['enrolled, on a remembered device the client accepts', { enrolled: true, rememberedDevice: true }, 'none'],
    ['enrolled, remembered device, but acr_values asks for MFA', { enrolled: true, rememberedDevice: true, acrRequest: acrValues(ACR.mfa) }, 'challenge'],
    ['claims parameter: essential acr asks for MFA', { acrRequest: essential(ACR.mfa), enrolled: true }, 'challenge'],
    ['claims parameter: essential acr asks for MFA, remembered device', { acrRequest: essential(PAPE_MULTI_FACTOR), enrolled: true, rememberedDevice: true }, 'challenge'],
    ['claims parameter: acr not essential still counts as a preference', { acrRequest: acrRequestOf(undefined, { id_token: { acr: { values: [ACR.mfa] } } }), enrolled: true, rememberedDevice: true }, 'challenge'],
    ['require_mfa, no factor, the app does not accept one set up at sign-in', { clientRequiresMfa: true, clientAcceptsSetUpAtSignIn: false }, 'setup-first'],
    ['essential MFA, no factor, set-up-at-sign-in not listed', { acrRequest: essential(ACR.mfa) }, 'setup-first'],
    ['essential MFA or set-up-at-sign-in, no factor', { acrRequest: essential(ACR.mfa, ACR.mfaSetUpAtSignIn) }, 'enrol'],
    ['enforcement required, no factor, a strict app that asks for nothing', { enforcement: 'required', clientAcceptsSetUpAtSignIn: false }, 'enrol'],
    ['session from a set-up-at-sign-in, require_mfa app that accepts it', { ...afterSetUp, clientRequiresMfa: true }, 'none'],
    ['session from a set-up-at-sign-in, require_mfa app that does not', { ...afterSetUp, clientRequiresMfa: true, clientAcceptsSetUpAtSignIn: false }, 'challenge'],
    ['session from a set-up-at-sign-in, an app that asks for nothing', { ...afterSetUp, clientAcceptsSetUpAtSignIn: false }, 'none'],
    ['session from a set-up-at-sign-in, essential MFA', { ...afterSetUp, acrRequest: essential(ACR.mfa) }, 'challenge'],
  ] as const)('%s → %s', (_label, overrides, expected) => {
    expect(mfaRequirement({ ...base, ...overrides } as RequirementInput)).toBe(expected);
  });
});
