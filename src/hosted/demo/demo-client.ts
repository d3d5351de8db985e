import type { ClientMetadata } from 'oidc-provider';

export const DEMO_CLIENT_ID = 'demo-app';

/**
 * The demo relying app's registration: a public client (no secret to keep) using
 * authorization code + PKCE, the way a browser or mobile app would.
 */
export function demoClientMetadata(demoBaseUrl: string): ClientMetadata {
  return {
    client_id: DEMO_CLIENT_ID,
    client_name: 'Demo app',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [`${demoBaseUrl}/callback`],
    post_logout_redirect_uris: [`${demoBaseUrl}/`],
  };
}
