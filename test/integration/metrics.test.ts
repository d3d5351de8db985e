import { request as httpRequest } from 'node:http';
import { HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, enrolledAccount, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, signIn, submitPassword } from '../helpers/oidc-flow.ts';
import { addAccountWithCli, freePort, startProviderProcess, stopAllProcesses, tempDir, writeClientsFile, writeKeysFile } from '../helpers/server-process.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

const PASSWORD = 'a password for metrics tests';
const TOKEN = 'metrics-token-for-tests-only-0123456789abcdef';
const STEP_MS = 30_000;

/** A sample's value in Prometheus text: `name{labels} value`, labels in the order prom-client writes them; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`).join(',');
  const line = text.split('\n').find((l) => l.startsWith(wanted ? `${name}{${wanted}} ` : `${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

async function scrape(url: string, token: string | null = TOKEN): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe.each(STORE_KINDS)('GET /metrics with METRICS_TOKEN on %s', (kind) => {
  const { idp, clock } = useIdpWorld(kind, { fakeTimeIn: 'provider', config: { metrics: { enabled: true, token: TOKEN, port: null } } });
  const metricsUrl = () => `${idp.issuer}/metrics`;

  test('refuses a missing, wrong or non-Bearer token with 401 and a challenge; the right one gets the text format', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer ']) {
      const response = await fetch(metricsUrl(), { headers: authorization === undefined ? {} : { authorization } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toContain('oidc_mfa_');
    }
    const ok = await scrape(metricsUrl());
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(sample(ok.text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(ok.text).toContain('# TYPE oidc_mfa_step_duration_seconds histogram');
  });

  test('answers for the instance\'s own address (a scraper\'s Host), like /healthz', async () => {
    const { port } = new URL(idp.issuer);
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/metrics', headers: { host: `10.0.0.7:${port}`, authorization: `Bearer ${TOKEN}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(status).toBe(200);
  });

  test('a real password sign-in, a wrong password, a wrong code and a code sign-in move their counters', async () => {
    const before = (await scrape(metricsUrl())).text;
    const client = await discoverClient(idp.issuer, 'first-party-app');

    // No MFA: the password alone signs in.
    const plain = `plain-${kind}-${Date.now()}@example.com`;
    await idp.directory.add({ email: plain, password: PASSWORD });
    await signIn({ issuer: idp.issuer, client, email: plain, password: PASSWORD });
    const other = new HttpSession();
    const wrongPassword = await submitPassword(other, idp.issuer, await openAuthorization(other, idp.issuer, await buildAuthorization(client)), plain, 'not the password');
    expect(wrongPassword.status).toBeGreaterThanOrEqual(400);

    // The authenticator app: one wrong code, then the right one.
    const { email, key } = await enrolledAccount(idp, clock, PASSWORD, `metrics-${kind}`);
    clock.advance(STEP_MS);
    const session = new HttpSession();
    const challenge = await submitPassword(session, idp.issuer, await openAuthorization(session, idp.issuer, await buildAuthorization(client)), email, PASSWORD);
    const wrong = await submitCode(session, idp.issuer, challenge, '000000');
    expect(wrong.status).toBe(400);
    expect(isCallback(await submitCode(session, idp.issuer, wrong, codeFor(key, clock)))).toBe(true);

    const after = (await scrape(metricsUrl())).text;
    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    // Two: the plain account's, and the enrolled account's own sign-in to the Security page (it had no MFA yet).
    expect(moved('oidc_mfa_sign_ins_total', { outcome: 'success', method: 'password' })).toBe(2);
    expect(moved('oidc_mfa_sign_ins_total', { outcome: 'success', method: 'totp' })).toBe(1);
    expect(moved('oidc_mfa_sign_ins_total', { outcome: 'failed', method: 'password' })).toBeGreaterThanOrEqual(1);
    expect(moved('oidc_mfa_second_factor_failures_total', { method: 'totp' })).toBe(1);
    // Every step timed: the password page at least three times, the code page twice, the token endpoint once.
    expect(moved('oidc_mfa_step_duration_seconds_count', { step: 'login' })).toBeGreaterThanOrEqual(3);
    expect(moved('oidc_mfa_step_duration_seconds_count', { step: 'totp' })).toBeGreaterThanOrEqual(2);
    expect(moved('oidc_mfa_step_duration_seconds_count', { step: 'token' })).toBe(1);
    expect(sample(after, 'oidc_mfa_store_errors_total', { store: kind, kind: 'unavailable' })).toBe(0);
    // Read from the store when scraped: no text sent, so no budget spent.
    expect(sample(after, 'oidc_mfa_sms_breaker_open', { budget: 'all' })).toBe(0);
    // No label carries a part of a URL (an interaction id, an email).
    expect(after).not.toMatch(/step="[^"]*(interaction\/|@)/);
  });
});

describe('metrics off (neither METRICS_TOKEN nor METRICS_PORT)', () => {
  const { idp } = useIdpWorld('sqlite');

  test('GET /metrics is 404, with or without a token', async () => {
    expect((await scrape(`${idp.issuer}/metrics`)).status).toBe(404);
    expect((await scrape(`${idp.issuer}/metrics`, null)).status).toBe(404);
  });
});

describe('METRICS_PORT: the metrics on a port of their own (npm start)', () => {
  const dir = tempDir('oidc-mfa-metrics-');
  afterAll(async () => {
    await stopAllProcesses();
    dir.remove();
  });

  test('served there only (not on the main port), with the token when one is set; the main port is unchanged', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const env = {
      NODE_ENV: 'test',
      DATA_DIR: dir.dir,
      KEYS_FILE: writeKeysFile(dir.dir),
      CLIENTS_FILE: writeClientsFile(dir.dir, [{ client_id: 'first-party-app', token_endpoint_auth_method: 'none', redirect_uris: ['http://rp.test/callback'], first_party: true }]),
      DEMO_APP: 'false',
      PORT: String(port),
      ISSUER: `http://127.0.0.1:${port}`,
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN: TOKEN,
    };
    await addAccountWithCli(env, 'port@example.com', PASSWORD);
    const provider = await startProviderProcess('metrics-port', env);
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    expect((await scrape(metricsUrl)).status).toBe(200);
    expect((await scrape(metricsUrl, 'wrong')).status).toBe(401);
    expect((await scrape(metricsUrl, null)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    // Not on the provider's own port, token or not.
    expect((await fetch(`${provider.directUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    expect((await fetch(`${provider.directUrl}/healthz`)).status).toBe(200);
    expect(sample((await scrape(metricsUrl)).text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
