import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeysFile } from '../../src/hosted/config/keys.ts';
import { PROJECT_ROOT } from '../../src/hosted/config/load-config.ts';
import { freePort } from '../helpers/server-process.ts';

/** Runs `node src/hosted/server.ts` (what `npm start` runs) with this environment; resolves when it exits or prints `until`. */
function startServer(env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['src/hosted/server.ts'], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'oidc-mfa-start-'));

function keysFile(): string {
  const file = path.join(dataDir(), 'keys.json');
  writeFileSync(file, JSON.stringify(generateKeysFile()), { mode: 0o600 });
  return file;
}

/** Starts the server and, once it printed `ready`, runs `probe` against it before stopping it. */
function whileRunning<T>(env: Record<string, string>, ready: RegExp, probe: (output: string) => Promise<T>): Promise<{ result: T; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/hosted/server.ts'], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let probing = false;
    let outcome: { result: T } | { error: unknown } | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (probing || !ready.test(output)) return;
      probing = true;
      probe(output).then((result) => { outcome = { result }; }, (error: unknown) => { outcome = { error }; }).finally(() => child.kill('SIGTERM'));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => {
      clearTimeout(timer);
      if (outcome && 'result' in outcome) resolve({ result: outcome.result, output });
      else reject(outcome?.error ?? new Error(`the server exited before ${ready}:\n${output}`));
    });
  });
}

describe('start-up (node src/hosted/server.ts)', () => {
  test('development: starts on the embedded store and says where it listens', async () => {
    const { output } = await startServer({ PORT: '0', ISSUER: 'http://localhost:5999', DEMO_APP: 'false', DATA_DIR: dataDir() }, /Identity provider:/);
    expect(output).toMatch(/Identity provider: http:\/\/localhost:5999 \(listening on port \d+, store: sqlite\)/);
  });

  test('development on another PORT without ISSUER: the issuer follows the port, the demo app signs in through it, and / leads somewhere', async () => {
    const [port, demoPort] = [await freePort(), await freePort()];
    const issuer = `http://localhost:${port}`;
    const { result, output } = await whileRunning({ PORT: String(port), DEMO_PORT: String(demoPort), DATA_DIR: dataDir() }, /Demo account/, async () => {
      const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as { issuer: string };
      // The demo app discovers the provider and sends the browser to its authorization endpoint (it used to answer 502 "fetch failed").
      const signIn = await fetch(`http://localhost:${demoPort}/login`, { redirect: 'manual' });
      const home = await fetch(`${issuer}/`);
      return { discovery, signIn: { status: signIn.status, location: signIn.headers.get('location') }, home: { status: home.status, text: await home.text() } };
    });
    expect(output).toContain(`Identity provider: ${issuer} (listening on port ${port}, store: sqlite)`);
    expect(output).toContain(`Demo relying app:  http://localhost:${demoPort}`);
    expect(result.discovery.issuer).toBe(issuer);
    expect(result.signIn.status).toBe(302);
    expect(result.signIn.location).toMatch(new RegExp(`^${issuer}/auth\\?`));
    expect(result.home.status).toBe(200);
    expect(result.home.text).toContain('href="/account/security"');
    expect(result.home.text).toContain(`href="http://localhost:${demoPort}"`);
  });

  test('production: the demo app stays off unless DEMO_APP=true', async () => {
    const env = { NODE_ENV: 'production', PORT: '0', ISSUER: 'https://id.example.com', KEYS_FILE: keysFile(), DATA_DIR: dataDir() };
    const off = await startServer(env, /Identity provider:/);
    expect(off.output).toMatch(/Identity provider: https:\/\/id\.example\.com \(listening on port \d+, store: sqlite\)/);
    const on = await whileRunning({ ...env, DEMO_APP: 'true', DEMO_PORT: String(await freePort()) }, /Demo relying app/, async () => undefined);
    expect(off.output).not.toContain('Demo relying app');
    // Without TRUST_PROXY behind the TLS proxy an https issuer needs, the operator is warned.
    expect(off.output).toContain('"event":"config.trust_proxy.off"');
    expect(on.output).toContain('Demo relying app');
    // Never a demo account in production, even with the demo app on.
    expect(on.output).not.toContain('Demo account');
  });

  test.each([
    ['without KEYS_FILE', { ISSUER: 'https://id.example.com' }, /config\.keysFile \(KEYS_FILE\) is required when NODE_ENV=production \(make one with `npm run --silent cli -- keys generate --out keys\.json`/],
    ['with an http issuer', { ISSUER: 'http://id.example.com', withKeys: '1' }, /config\.issuer \(ISSUER\) must use https/],
    ['with a bad PORT', { ISSUER: 'https://id.example.com', PORT: 'eighty', withKeys: '1' }, /PORT must be a whole number/],
    ['on a Redis that keeps nothing on disk', { ISSUER: 'https://id.example.com', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'oidc-mfa-test:startup:', withKeys: '1' }, /keeps nothing on disk/],
  ])('production refuses to start %s, naming what is wrong', async (_label, env, message) => {
    const { withKeys, ...rest } = env as Record<string, string>;
    const { code, output } = await startServer({ NODE_ENV: 'production', PORT: '0', DATA_DIR: dataDir(), ...(withKeys ? { KEYS_FILE: keysFile() } : {}), ...rest });
    expect(code).toBe(1);
    expect(output).toMatch(/^Cannot start: /m);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/at \w+ \(|node_modules/);
  });

  test('every configuration problem in one start: variables, production rules, and the files they name', async () => {
    const configProblems = await startServer({ NODE_ENV: 'production', PORT: 'eighty', TRUST_PROXY: 'yes', SMS_PROVIDER: 'outbox', DATA_DIR: dataDir() });
    expect(configProblems.code).toBe(1);
    expect(configProblems.output.trim().split('\n')).toEqual([
      'Cannot start: config: 5 problems',
      '  - PORT must be a whole number (got "eighty")',
      '  - TRUST_PROXY must be true or false (got "yes")',
      '  - config.issuer (ISSUER) is required when NODE_ENV=production: the https address people and relying apps reach, e.g. https://id.example.com',
      '  - config.keysFile (KEYS_FILE) is required when NODE_ENV=production (make one with `npm run --silent cli -- keys generate --out keys.json`, then set KEYS_FILE=keys.json)',
      '  - config.sms.provider (SMS_PROVIDER) must not be outbox when NODE_ENV=production: use twilio, twilio-verify or none',
    ]);
    // Once the settings are right, the files they name are checked together too.
    const dir = dataDir();
    const badKeys = path.join(dir, 'keys.json');
    writeFileSync(badKeys, '{"jwks":{"keys":[]},"cookieKeys":[],"sealingKeys":[]}');
    const clients = path.join(dir, 'clients.json');
    writeFileSync(clients, JSON.stringify([{ client_id: 'no-redirect' }, { client_name: 'no id' }]));
    const files = await startServer({ NODE_ENV: 'production', PORT: '0', ISSUER: 'https://id.example.com', KEYS_FILE: badKeys, CLIENTS_FILE: clients, DATA_DIR: dir });
    expect(files.code).toBe(1);
    expect(files.output).toContain('Cannot start: config: 4 problems');
    expect(files.output).toContain(`KEYS_FILE ${badKeys}: jwks.keys must hold at least one private signing key`);
    expect(files.output).toContain(`KEYS_FILE ${badKeys}: cookieKeys must hold`);
    expect(files.output).toContain(`KEYS_FILE ${badKeys}: sealingKeys must hold`);
    expect(files.output).toContain(`CLIENTS_FILE ${clients}[1] must be an object with a string client_id`);
  });

  test("a client oidc-provider refuses stops the start (it would otherwise fail at that app's first sign-in)", async () => {
    const dir = dataDir();
    const clients = path.join(dir, 'clients.json');
    writeFileSync(clients, JSON.stringify([
      { client_id: 'fine', token_endpoint_auth_method: 'none', redirect_uris: ['https://fine.example/cb'] },
      { client_id: 'no-secret', redirect_uris: ['https://app.example/cb'] },
    ]));
    const { code, output } = await startServer({ NODE_ENV: 'production', PORT: '0', ISSUER: 'https://id.example.com', KEYS_FILE: keysFile(), CLIENTS_FILE: clients, DATA_DIR: dir });
    expect(code).toBe(1);
    expect(output.trim()).toBe(`Cannot start: config: CLIENTS_FILE ${clients}[1] (no-secret) client_secret is mandatory property`);
  });

  test('a PORT already in use is told as the setting to change', async () => {
    const port = await freePort();
    const first = await whileRunning({ PORT: String(port), DEMO_APP: 'false', DATA_DIR: dataDir() }, /Identity provider:/, () =>
      startServer({ PORT: String(port), DEMO_APP: 'false', DATA_DIR: dataDir() }));
    expect(first.result.code).toBe(1);
    expect(first.result.output.trim()).toBe(`Cannot start: config: PORT is ${port}, which another process is already listening on: stop it, or choose another port`);
  });
});
