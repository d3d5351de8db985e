import type { ClientMetadata } from 'oidc-provider';

export const DEMO_CLIENT_ID = 'demo-app';

/** Where the demo relying app is reached: its redirect URI and the home page's link name it. */
export function demoBaseUrl(config: { demoApp: { port: number } }): string {
  return `http://localhost:${config.demoApp.port}`;
}

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
    // Its home: where an error page's "Back to Demo app" leads (oidc/client-home.ts).
    client_uri: `${demoBaseUrl}/`,
    redirect_uris: [`${demoBaseUrl}/callback`],
    post_logout_redirect_uris: [`${demoBaseUrl}/`],
  };
}
