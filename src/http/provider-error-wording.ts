/**
 * oidc-provider's error codes (RFC 6749 §4.1.2.1 and §5.2, OpenID Connect Core §3.1.2.6, RFC 9126)
 * as a person meets them: oidc-provider renders a page only when it cannot send the error back to
 * the app (an unknown app, an unregistered return address, a request too broken to trust), so the
 * person did nothing wrong and the way on is the app or its support. Its own description, written
 * for the app's developer, goes in the small print.
 */
export interface ProviderErrorWording {
  title: string;
  message: string;
}

const APP_PROBLEM = "Go back to the app and try again. If it keeps happening, tell the app's support team: the problem is in how the app is set up, not in your account.";

const INVALID_REQUEST: ProviderErrorWording = {
  title: "The app sent a request we can't accept",
  message: `The app that sent you here asked for something in a way this service does not accept, so nothing happened. ${APP_PROBLEM}`,
};

const NOT_SET_UP_THIS_WAY: ProviderErrorWording = {
  title: "This app can't sign in this way",
  message: `The app asked to sign you in in a way it is not registered for here. ${APP_PROBLEM}`,
};

const NOT_SIGNED_IN: ProviderErrorWording = {
  title: 'You need to sign in',
  message: 'The app asked to continue without showing you any page, but you are not signed in here (or it needs your permission first). Go back to the app and choose Sign in.',
};

const WORDING: Record<string, ProviderErrorWording> = {
  invalid_client: {
    title: "This app isn't registered here",
    message: `The app that sent you here is not one this sign-in service knows, so you can't sign in to it from here. ${APP_PROBLEM}`,
  },
  invalid_redirect_uri: {
    title: "The app gave a return address we don't know",
    message: `To keep your account safe, we only send you back to addresses the app registered with us, and this one isn't. Nothing was shared with it. ${APP_PROBLEM}`,
  },
  invalid_request: INVALID_REQUEST,
  invalid_request_object: INVALID_REQUEST,
  invalid_request_uri: INVALID_REQUEST,
  request_not_supported: INVALID_REQUEST,
  request_uri_not_supported: INVALID_REQUEST,
  registration_not_supported: INVALID_REQUEST,
  invalid_authorization_details: INVALID_REQUEST,
  invalid_target: INVALID_REQUEST,
  invalid_scope: {
    title: "The app asked for access we don't offer",
    message: `The app asked for information or access this service does not give out, so nothing was shared. ${APP_PROBLEM}`,
  },
  unauthorized_client: NOT_SET_UP_THIS_WAY,
  unsupported_response_type: NOT_SET_UP_THIS_WAY,
  unsupported_response_mode: NOT_SET_UP_THIS_WAY,
  unsupported_grant_type: NOT_SET_UP_THIS_WAY,
  access_denied: {
    title: 'Sign-in cancelled',
    message: 'The sign-in was cancelled or access was not allowed, so nothing was shared with the app. Go back to the app to try again.',
  },
  login_required: NOT_SIGNED_IN,
  consent_required: NOT_SIGNED_IN,
  interaction_required: NOT_SIGNED_IN,
  account_selection_required: NOT_SIGNED_IN,
  unmet_authentication_requirements: {
    title: "The sign-in didn't meet the app's requirements",
    message: 'The app needs a stronger sign-in than the one that just happened (for example, 2-step verification). Go back to the app and sign in again.',
  },
  invalid_grant: {
    title: 'This sign-in can no longer be used',
    message: 'It was already used, has expired, or was ended (for example by a password change). Go back to the app and sign in again.',
  },
  invalid_token: {
    title: 'This sign-in can no longer be used',
    message: 'It has expired or was ended. Go back to the app and sign in again.',
  },
  temporarily_unavailable: {
    title: 'Sign-in is temporarily unavailable',
    message: 'Please try again in a minute.',
  },
};

export const SERVER_ERROR_WORDING: ProviderErrorWording = {
  title: 'Something went wrong on our side',
  message: 'Something went wrong on our side. Please try again.',
};

/** What a person reads for oidc-provider's `error`; a code not listed reads as a request the app got wrong. */
export function providerErrorWording(error: string): ProviderErrorWording {
  if (error === 'server_error') return SERVER_ERROR_WORDING;
  return WORDING[error] ?? INVALID_REQUEST;
}
