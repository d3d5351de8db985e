import { ACR, PAPE_MULTI_FACTOR } from '../../../src/oidc/acr.ts';
import { acrRequestOf, meetsEssentialAcr } from '../../../src/oidc/acr-request.ts';

describe('acrRequestOf: acr_values and the claims parameter (OpenID Connect Core §5.5.1.1)', () => {
  test.each([
    ['nothing asked', undefined, undefined, { values: [], essential: false }],
    ['acr_values only', `${ACR.mfa} ${PAPE_MULTI_FACTOR}`, undefined, { values: [ACR.mfa, PAPE_MULTI_FACTOR], essential: false }],
    ['essential values, as the raw JSON string of the request', undefined, JSON.stringify({ id_token: { acr: { essential: true, values: [ACR.mfa] } } }), { values: [ACR.mfa], essential: true }],
    ['essential value, as a parsed object', ACR.password, { id_token: { acr: { essential: true, value: ACR.mfa } } }, { values: [ACR.mfa], essential: true }],
    ['voluntary claim values join acr_values', ACR.password, { id_token: { acr: { values: [ACR.mfa] } } }, { values: [ACR.password, ACR.mfa], essential: false }],
    ['essential without values asks for nothing in particular', undefined, { id_token: { acr: { essential: true } } }, { values: [], essential: false }],
    ['userinfo acr is not about the ID token', undefined, { userinfo: { acr: { essential: true, value: ACR.mfa } } }, { values: [], essential: false }],
    ['unreadable claims JSON asks for nothing', undefined, '{not json', { values: [], essential: false }],
    ['non-string values are ignored', undefined, { id_token: { acr: { essential: true, values: [7, ACR.mfa, null] } } }, { values: [ACR.mfa], essential: true }],
  ])('%s', (_label, acrValues, claims, expected) => {
    expect(acrRequestOf(acrValues, claims)).toEqual(expected);
  });
});

describe('meetsEssentialAcr', () => {
  test('a voluntary request is always met: the app judges the acr it receives', () => {
    expect(meetsEssentialAcr({ values: [ACR.mfa], essential: false }, ACR.password)).toBe(true);
  });
  test('an essential request is met only by a listed value; PAPE multi-factor names our MFA level', () => {
    expect(meetsEssentialAcr({ values: [ACR.mfa], essential: true }, ACR.mfa)).toBe(true);
    expect(meetsEssentialAcr({ values: [PAPE_MULTI_FACTOR], essential: true }, ACR.mfa)).toBe(true);
    expect(meetsEssentialAcr({ values: [ACR.mfa], essential: true }, ACR.mfaSetUpAtSignIn)).toBe(false);
    expect(meetsEssentialAcr({ values: [ACR.mfa], essential: true }, ACR.rememberedDevice)).toBe(false);
    expect(meetsEssentialAcr({ values: [ACR.mfa], essential: true }, undefined)).toBe(false);
  });
});
