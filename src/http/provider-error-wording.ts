import { t, type MessageKey } from '../i18n/translate.ts';

/**
 * oidc-provider's error codes (RFC 6749 §4.1.2.1 and §5.2, OpenID Connect Core §3.1.2.6, RFC 9126)
 * as a person meets them: oidc-provider renders a page only when it cannot send the error back to
 * the app (an unknown app, an unregistered return address, a request too broken to trust), so the
 * person did nothing wrong and the way on is the app or its support. Its own description, written
 * for the app's developer, goes in the small print. The wording is in the catalogues
 * (`providerErrors.<kind>.title` / `.message`); `appProblem` ends the messages of the app's mistakes.
 */
export interface ProviderErrorWording {
  title: string;
  message: string;
}

type Kind =
  | 'invalidRequest' | 'notSetUpThisWay' | 'notSignedIn' | 'invalidClient' | 'invalidRedirectUri' | 'invalidScope'
  | 'accessDenied' | 'unmetAuthenticationRequirements' | 'invalidGrant' | 'invalidToken' | 'temporarilyUnavailable' | 'serverError';

/** The kinds whose message ends with "Go back to the app … tell the app's support team". */
const APP_PROBLEMS: ReadonlySet<Kind> = new Set(['invalidRequest', 'notSetUpThisWay', 'invalidClient', 'invalidRedirectUri', 'invalidScope']);

const KIND: Record<string, Kind> = {
  invalid_client: 'invalidClient',
  invalid_redirect_uri: 'invalidRedirectUri',
  invalid_request: 'invalidRequest',
  invalid_request_object: 'invalidRequest',
  invalid_request_uri: 'invalidRequest',
  request_not_supported: 'invalidRequest',
  request_uri_not_supported: 'invalidRequest',
  registration_not_supported: 'invalidRequest',
  invalid_authorization_details: 'invalidRequest',
  invalid_target: 'invalidRequest',
  invalid_scope: 'invalidScope',
  unauthorized_client: 'notSetUpThisWay',
  unsupported_response_type: 'notSetUpThisWay',
  unsupported_response_mode: 'notSetUpThisWay',
  unsupported_grant_type: 'notSetUpThisWay',
  access_denied: 'accessDenied',
  login_required: 'notSignedIn',
  consent_required: 'notSignedIn',
  interaction_required: 'notSignedIn',
  account_selection_required: 'notSignedIn',
  unmet_authentication_requirements: 'unmetAuthenticationRequirements',
  invalid_grant: 'invalidGrant',
  invalid_token: 'invalidToken',
  temporarily_unavailable: 'temporarilyUnavailable',
  server_error: 'serverError',
};

function wordingOf(kind: Kind): ProviderErrorWording {
  const message = t(`providerErrors.${kind}.message` satisfies MessageKey);
  return {
    title: t(`providerErrors.${kind}.title` satisfies MessageKey),
    message: APP_PROBLEMS.has(kind) ? `${message} ${t('providerErrors.appProblem')}` : message,
  };
}

/** What a person reads for oidc-provider's `error`; a code not listed reads as a request the app got wrong. */
export function providerErrorWording(error: string): ProviderErrorWording {
  return wordingOf(Object.hasOwn(KIND, error) ? KIND[error]! : 'invalidRequest');
}
