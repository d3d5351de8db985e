import { clientHomeOf } from '../../../src/oidc/client-home.ts';

describe("a relying app's home, for \"Back to <app>\"", () => {
  test.each<[string, Parameters<typeof clientHomeOf>[0], { name: string; href: string } | undefined]>([
    ['client_uri first', { client_id: 'a', client_name: 'App', client_uri: 'https://app.example/', post_logout_redirect_uris: ['https://app.example/bye'], redirect_uris: ['https://app.example/cb'] }, { name: 'App', href: 'https://app.example/' }],
    ['then where it lands after sign-out', { client_id: 'a', client_name: 'App', post_logout_redirect_uris: ['https://app.example/bye'], redirect_uris: ['https://app.example/cb'] }, { name: 'App', href: 'https://app.example/bye' }],
    ['then the site of its redirect URI, not the callback', { client_id: 'a', redirect_uris: ['https://app.example:8443/oidc/callback'] }, { name: 'a', href: 'https://app.example:8443/' }],
    ['a native app (custom scheme) has none', { client_id: 'a', client_name: 'Phone app', redirect_uris: ['com.example.app:/callback'] }, undefined],
    ['a javascript: client_uri is ignored', { client_id: 'a', client_uri: 'javascript:alert(1)', redirect_uris: ['https://app.example/cb'] }, { name: 'a', href: 'https://app.example/' }],
    ['credentials in a URL make it no home', { client_id: 'a', client_uri: 'https://user:pw@app.example/' }, undefined],
    ['an unknown app has none', undefined, undefined],
  ])('%s', (_label, metadata, home) => {
    expect(clientHomeOf(metadata)).toEqual(home);
  });
});
