import { HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { buildAuthorization, discoverClient, openAuthorization } from '../helpers/oidc-flow.ts';
import { rawRequest } from '../helpers/raw-http.ts';

/**
 * Host header injection (OWASP WSTG-INPV-17): oidc-provider builds its discovery endpoints and
 * redirects from the request's host, so only the issuer's host may be answered. Behind a proxy
 * (TRUST_PROXY) only the last hop's X-Forwarded-Host / -Proto count. Not store-backed: SQLite only.
 */
const ATTACKER = 'evil.example';

function endpointsOf(text: string): string[] {
  const document = JSON.parse(text) as Record<string, unknown>;
  return Object.entries(document)
    .filter(([name, value]) => name.endsWith('_endpoint') && typeof value === 'string')
    .map(([, value]) => value as string);
}

describe.each([false, true])('Host header with TRUST_PROXY=%s', (trustProxy) => {
  let issuerHost: string;
  const { idp } = useIdpWorld('sqlite', { fakeTimeIn: 'nothing', config: { trustProxy } });

  beforeAll(async () => {
    issuerHost = new URL(idp.issuer).host;
  });

  const discovery = (headers: Record<string, string>) =>
    rawRequest(`${idp.issuer}/.well-known/openid-configuration`, { headers: { accept: 'application/json', ...headers } });

  test('discovery for another Host is a 421 with a clear message; for ours it names only the issuer', async () => {
    const other = await discovery({ host: ATTACKER });
    expect(other.status).toBe(421);
    expect(other.text).not.toContain(ATTACKER);
    expect(JSON.parse(other.text)).toMatchObject({ error: 'MISDIRECTED_REQUEST' });

    const ours = await discovery({ host: issuerHost });
    expect(ours.status).toBe(200);
    expect(JSON.parse(ours.text).issuer).toBe(idp.issuer);
    for (const endpoint of endpointsOf(ours.text)) expect(endpoint.startsWith(`${idp.issuer}/`)).toBe(true);
  });

  test('the Host is compared as a host: case does not matter; another port or a userinfo part does', async () => {
    expect((await discovery({ host: issuerHost.toUpperCase() })).status).toBe(200);
    const port = Number(new URL(idp.issuer).port);
    expect((await discovery({ host: `127.0.0.1:${port + 1}` })).status).toBe(421);
    expect((await discovery({ host: `user@${issuerHost}` })).status).toBe(421);
  });

  test('the authorization endpoint and the interaction page refuse another Host; with ours they work', async () => {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const authorization = await buildAuthorization(client);
    const misdirected = await rawRequest(authorization.url, { headers: { host: ATTACKER, accept: 'text/html' } });
    expect(misdirected.status).toBe(421);
    expect(misdirected.headers.location).toBeUndefined();
    expect(misdirected.text).toContain('<code>MISDIRECTED_REQUEST</code>');

    const session = new HttpSession();
    const page = await openAuthorization(session, idp.issuer, authorization);
    expect(page.status).toBe(200);
    const cookie = [...session.cookies.values()].map((c) => `${c.name}=${c.value}`).join('; ');
    const interaction = new URL(page.url);
    expect(interaction.pathname).toMatch(/^\/interaction\//);
    const other = await rawRequest(page.url, { headers: { host: ATTACKER, cookie, accept: 'text/html' } });
    expect(other.status).toBe(421);
    expect(other.text).not.toContain(ATTACKER);
    const ours = await rawRequest(page.url, { headers: { host: issuerHost, cookie, accept: 'text/html' } });
    expect(ours.status).toBe(200);
  });

  test('the health check answers for any Host (a load balancer probes the instance address)', async () => {
    const health = await rawRequest(`${idp.issuer}/healthz`, { headers: { host: '10.0.0.12:3000' } });
    expect(health.status).toBe(200);
  });

  if (!trustProxy) {
    test('without a trusted proxy, X-Forwarded-Host and -Proto are ignored: discovery names only the issuer', async () => {
      const answer = await discovery({ host: issuerHost, 'x-forwarded-host': ATTACKER, 'x-forwarded-proto': 'https' });
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain(ATTACKER);
      for (const endpoint of endpointsOf(answer.text)) expect(endpoint.startsWith(`${idp.issuer}/`)).toBe(true);
    });
  } else {
    test("a client's own leftmost X-Forwarded-Host is ignored: the last hop's (our proxy's) is used", async () => {
      const spoofed = await discovery({ host: 'internal:8080', 'x-forwarded-host': `${ATTACKER}, ${issuerHost}`, 'x-forwarded-proto': 'https, http' });
      expect(spoofed.status).toBe(200);
      expect(spoofed.text).not.toContain(ATTACKER);
      expect(JSON.parse(spoofed.text).issuer).toBe(idp.issuer);
      for (const endpoint of endpointsOf(spoofed.text)) expect(endpoint.startsWith(`${idp.issuer}/`)).toBe(true);
    });

    test("a last hop naming another host or scheme is a 421, whatever the client put first", async () => {
      expect((await discovery({ host: issuerHost, 'x-forwarded-host': `${issuerHost}, ${ATTACKER}` })).status).toBe(421);
      expect((await discovery({ host: issuerHost, 'x-forwarded-host': issuerHost, 'x-forwarded-proto': 'http, https' })).status).toBe(421);
      // Repeated headers are one list (RFC 9110 §5.3): the last line's last value counts.
      expect((await discovery({ host: issuerHost, 'x-forwarded-host': [ATTACKER, issuerHost] as unknown as string })).status).toBe(200);
    });
  }
});
