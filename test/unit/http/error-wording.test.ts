import { ERRORS, type ErrorCode } from '../../../src/errors.ts';
import { errorTitle } from '../../../src/http/error-titles.ts';
import { en } from '../../../src/i18n/messages/en.ts';
import { frCA } from '../../../src/i18n/messages/fr-CA.ts';
import { providerErrorWording } from '../../../src/http/provider-error-wording.ts';

describe('error page headings', () => {
  const titles = (catalogue: Record<string, string>) => (Object.keys(ERRORS) as ErrorCode[]).map((code) => catalogue[`errors.${code}.title`]);

  test('every stable code has a heading of its own, in each language (a new code needs one in i18n/messages/)', () => {
    for (const catalogue of [en, frCA]) expect(titles(catalogue).filter((title) => !title)).toEqual([]);
  });

  test('no heading is the old catch-all, and none shouts a code', () => {
    for (const title of [...titles(en), ...titles(frCA)]) {
      expect(title).not.toMatch(/We could not do that|[A-Z]{2,}_[A-Z]/);
    }
  });

  test('a code without a heading still gets a sentence, by status', () => {
    expect(errorTitle('NO_SUCH' as ErrorCode, 400)).toBe("That didn't work");
    expect(errorTitle('NO_SUCH' as ErrorCode, 503)).toBe('Something went wrong on our side');
  });
});

describe("oidc-provider's error codes in plain words", () => {
  test.each([
    ['invalid_client', "This app isn't registered here"],
    ['invalid_redirect_uri', "The app gave a return address we don't know"],
    ['invalid_request', "The app sent a request we can't accept"],
    ['invalid_scope', "The app asked for access we don't offer"],
    ['unauthorized_client', "This app can't sign in this way"],
    ['unsupported_response_type', "This app can't sign in this way"],
    ['access_denied', 'Sign-in cancelled'],
    ['login_required', 'You need to sign in'],
    ['consent_required', 'You need to sign in'],
    ['unmet_authentication_requirements', "The sign-in didn't meet the app's requirements"],
    ['temporarily_unavailable', 'Sign-in is temporarily unavailable'],
    ['server_error', 'Something went wrong on our side'],
    ['some_future_error', "The app sent a request we can't accept"],
  ])('%s: %s', (code, title) => {
    const wording = providerErrorWording(code);
    expect(wording.title).toBe(title);
    // The message is for the person: no protocol words, no code.
    expect(wording.message).not.toMatch(/_|redirect_uri|client_id|\bclient\b|OAuth|OIDC/);
  });
});
