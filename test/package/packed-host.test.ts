/**
 * The plugin as a host gets it: `npm pack` (which builds dist/ first), the tarball installed into a
 * fresh project beside examples/host/host.ts — a host with its own users, its own extra prompt and
 * a renamed authorization route — type-checked against the shipped .d.ts (no skipLibCheck), and
 * full sign-ins through it with openid-client: enrolment of the app during the first sign-in, a
 * code on the next, once with the plugin's sign-in page and once with the host's own.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { AMR } from '../../src/oidc/acr.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { textOf } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitConsent, submitPassword } from '../helpers/oidc-flow.ts';
import { realTotp } from '../helpers/real-totp.ts';
import { childEnv, spawnTracked, stopAllProcesses, tempDir, waitForOutput, type TrackedProcess } from '../helpers/server-process.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples', 'host');
const EMAIL = 'sam@host.example';
const PASSWORD = 'correct horse battery staple';
const INSTALL_TIMEOUT_MS = 300_000;

let work: ReturnType<typeof tempDir>;
let hostDir: string;
let packed: string[];

beforeAll(async () => {
  work = tempDir('oidc-mfa-packed-');
  // npm is a tool run as the developer runs it: their whole environment (cache, proxy, a machine's own
  // certificate authorities in NODE_EXTRA_CA_CERTS — the npmrc beside the system's node that names them is
  // not read when `node` is our pinned one), without jest's NODE_OPTIONS.
  const { NODE_OPTIONS: _jestOptions, ...env } = process.env;
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work.dir], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  const [pack] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ filename: string; files: { path: string }[] }];
  packed = pack.files.map((file) => file.path);

  hostDir = path.join(work.dir, 'host');
  await run('mkdir', ['-p', hostDir]);
  for (const file of ['host.ts', 'tsconfig.json']) copyFileSync(path.join(EXAMPLE, file), path.join(hostDir, file));
  const manifest = JSON.parse(readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['oidc-mfa'] = `file:${path.join(work.dir, pack.filename)}`;
  writeFileSync(path.join(hostDir, 'package.json'), JSON.stringify(manifest, null, 2));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: hostDir, env, timeout: INSTALL_TIMEOUT_MS });
}, INSTALL_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await stopAllProcesses();
  work?.remove();
});

test('the tarball holds the library (JavaScript, .d.ts, every view, the static files) and nothing of the hosted provider', () => {
  for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/plugin/create-mfa.d.ts', 'dist/factors/totp/views/challenge.pug',
    'dist/factors/sms/views/sms-challenge.pug', 'dist/factors/backup-code/views/backup-code-new.pug', 'views/layout.pug', 'static/site.css']) {
    expect(packed).toContain(file);
  }
  expect(packed.filter((file) => file.startsWith('src/') || file.startsWith('dist/hosted/') || file.startsWith('test/'))).toEqual([]);
  const manifest = JSON.parse(readFileSync(path.join(hostDir, 'node_modules', 'oidc-mfa', 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  expect(manifest.peerDependencies).toHaveProperty('oidc-provider');
  expect(manifest.dependencies).not.toHaveProperty('oidc-provider');
});

test('the host type-checks against the shipped declarations', async () => {
  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  await expect(run(tsc, ['-p', hostDir], { cwd: hostDir })).resolves.toBeDefined();
}, 120_000);

async function startHost(passwordPage: 'plugin' | 'host'): Promise<{ host: TrackedProcess; issuer: string }> {
  const host = spawnTracked(`host (${passwordPage} password page)`, process.execPath, ['host.ts'], { cwd: hostDir, env: childEnv({ PORT: '0', PASSWORD_PAGE: passwordPage }) });
  const [, port] = await waitForOutput(host, /listening (\d+)/, 30_000);
  return { host, issuer: `http://127.0.0.1:${port}` };
}

/** After the second factor: the plugin's consent page, then the host's own "welcome" prompt, then back to the app. */
async function throughConsentAndWelcome(session: HttpSession, issuer: string, page: HttpResponse): Promise<HttpResponse> {
  const consent = page.text.includes('/consent') ? await submitConsent(session, issuer, page) : page;
  expect(consent.text).toContain('id="welcome"');
  return session.follow(await session.postForm(formAction(consent.text, '/welcome', issuer), {}), issuer);
}

async function signInTwice(passwordPage: 'plugin' | 'host', password: (session: HttpSession, issuer: string, page: HttpResponse) => Promise<HttpResponse>) {
  const { host, issuer } = await startHost(passwordPage);
  try {
    const client = await discoverClient(issuer, 'host-app');
    expect(client.serverMetadata().authorization_endpoint).toBe(`${issuer}/oauth/authorize`);
    const totp = realTotp();

    // First sign-in: MFA is required, so the app is set up during it.
    const first = new HttpSession();
    const firstAuthorization = await buildAuthorization(client);
    const enrol = await password(first, issuer, await openAuthorization(first, issuer, firstAuthorization));
    const key = textOf(enrol.text, 'totp-key');
    const backup = await first.submitForm(formAction(enrol.text, '/enrol', issuer), { csrf: hiddenField(enrol.text, 'csrf'), code: totp.code(key) });
    expect(textOf(backup.text, 'backup-code')).toMatch(/-/);
    const afterEnrol = await first.follow(await first.postForm(formAction(backup.text, '/continue', issuer), { csrf: hiddenField(backup.text, 'csrf') }), issuer);
    const firstCallback = await throughConsentAndWelcome(first, issuer, afterEnrol);
    expect(isCallback(firstCallback)).toBe(true);
    expect((await redeemCode(client, firstCallback, firstAuthorization)).claims()!.amr).toEqual([...AMR.totp]);

    // Next sign-in, another browser: the password, then a code from the app.
    await totp.ready();
    const next = new HttpSession();
    const nextAuthorization = await buildAuthorization(client);
    const challenge = await password(next, issuer, await openAuthorization(next, issuer, nextAuthorization));
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    const afterCode = await next.follow(await next.postForm(formAction(challenge.text, '/totp', issuer), { csrf: hiddenField(challenge.text, 'csrf'), code: totp.code(key) }), issuer);
    const nextCallback = await throughConsentAndWelcome(next, issuer, afterCode);
    expect(isCallback(nextCallback)).toBe(true);
    const claims = (await redeemCode(client, nextCallback, nextAuthorization)).claims()!;
    expect(claims.sub).toBe('user-1');
    expect(claims.amr).toEqual([...AMR.totp]);
  } finally {
    await host.stop();
  }
}

test('with the plugin\'s sign-in page: enrolment during the first sign-in, a code on the next, through the host\'s own prompt and route', async () => {
  await signInTwice('plugin', async (session, issuer, page) => {
    expect(page.text).toContain('autocomplete="current-password"');
    return submitPassword(session, issuer, page, EMAIL, PASSWORD);
  });
}, 120_000);

test('with the host\'s own sign-in page handing over after its password check', async () => {
  await signInTwice('host', async (session, issuer, page) => {
    expect(page.text).toContain('Host sign-in');
    const wrong = await session.postForm(formAction(page.text, '/host-login', issuer), { login: EMAIL, password: 'not it' });
    expect(wrong.status).toBe(401);
    return session.follow(await session.postForm(formAction(page.text, '/host-login', issuer), { login: EMAIL, password: PASSWORD }), issuer);
  });
}, 120_000);
