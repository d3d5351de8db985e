import type { ClientMetadata } from 'oidc-provider';

export const CONSOLE_CLIENT_ID = 'oidc-mfa-account';

/**
 * The account console signs people in through the provider's own authorization endpoint, like
 * any relying app, so the password and second-factor steps are the same ones. It asks for
 * response_type=none (OAuth 2.0 Multiple Response Type Encoding Practices §4): it needs the
 * provider's session, not tokens, so no code is issued to sit unredeemed.
 */
export function consoleClientMetadata(issuer: string): ClientMetadata {
  return {
    client_id: CONSOLE_CLIENT_ID,
    client_name: 'Your account',
    token_endpoint_auth_method: 'none',
    grant_types: [],
    response_types: ['none'],
    // Its home, for an error page's "Back to Your account" and a finished sign-in's "Continue" (oidc/client-home.ts).
    client_uri: `${issuer}/account/security`,
    redirect_uris: [`${issuer}/account/callback`],
    first_party: true,
  };
}
