import { parseArgs } from '../../src/hosted/cli/args.ts';
import { runCommand } from '../../src/hosted/cli/commands.ts';
import { createJsonLogger } from '../../src/log.ts';
import { composeMfa } from '../../src/plugin/create-mfa.ts';
import { AMR } from '../../src/oidc/acr.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { hiddenField, HttpSession } from '../helpers/http-session.ts';
import { codeFor, enrolAuthenticator, openSecurityPage, reauthenticate, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { startIdp } from '../helpers/start-idp.ts';
import { testKeys } from '../helpers/test-config.ts';
import { withTwoIdpsOnOneRedis } from '../helpers/two-idps-on-one-redis.ts';
import { nextWholeSecond } from '../helpers/whole-second.ts';
import { openTestStore } from '../helpers/test-stores.ts';

const PASSWORD = 'a password for support and instances';

async function passwordStep(browser: HttpSession, issuer: string, email: string) {
  const client = await discoverClient(issuer, 'first-party-app');
  const authorization = await buildAuthorization(client);
  const page = await submitPassword(browser, issuer, await openAuthorization(browser, issuer, authorization), email, PASSWORD);
  return { client, authorization, page };
}

test('support recovery: `mfa reset` through the CLI, then the person signs in with the password alone', async () => {
  const clock = createFakeClock(Date.now());
  const testStore = await openTestStore('sqlite', clock);
  const idp = await startIdp({ store: testStore.store, clock });
  try {
    await idp.directory.add({ email: 'lost-phone@example.com', password: PASSWORD });
    const browser = new HttpSession();
    await openSecurityPage(browser, idp.issuer, { email: 'lost-phone@example.com', password: PASSWORD });
    await enrolAuthenticator(browser, idp.issuer, clock);
    expect((await passwordStep(new HttpSession(), idp.issuer, 'lost-phone@example.com')).page.text).toContain('one-time-code');

    const out: string[] = [];
    const keys = testKeys();
    const code = await runCommand(parseArgs(['mfa', 'reset', '--email', 'lost-phone@example.com', '--reason', 'ticket 12: phone lost'], new Set()), {
      io: { out: (line) => out.push(line), err: (line) => out.push(line), readStdin: async () => '' },
      directory: async () => idp.directory,
      clients: () => [],
      mfa: async () => composeMfa({ issuer: idp.issuer, directory: idp.directory, store: testStore.store, sealingKeys: keys.sealingKeys, secrets: keys.secrets, log: createJsonLogger(() => {}) }),
    });
    expect(code).toBe(0);

    // The old session is over; a new sign-in needs only the password.
    expect((await browser.follow(await browser.get(`${idp.issuer}/account/security`), idp.issuer)).text).toContain('current-password');
    await nextWholeSecond();
    const { client, authorization, page } = await passwordStep(new HttpSession(), idp.issuer, 'lost-phone@example.com');
    expect(isCallback(page)).toBe(true);
    expect((await redeemCode(client, page, authorization)).claims()?.amr).toEqual([...AMR.password]);
  } finally {
    await idp.close();
    await testStore.dispose();
  }
});

test('two instances on one Redis: a device trusted on A and revoked on B no longer skips the challenge on A', async () => {
  const onA = { config: { mfa: { ...(await import('../helpers/test-config.ts')).testConfig().mfa, reauthWithinSeconds: 3600 } } };
  await withTwoIdpsOnOneRedis({ a: onA }, async ({ a, b, clock }) => {
    const email = 'two-instances@example.com';
    await a.directory.add({ email, password: PASSWORD });
    const console = new HttpSession();
    await openSecurityPage(console, b.issuer, { email, password: PASSWORD });
    const { key } = await enrolAuthenticator(console, b.issuer, clock);

    // Trust this browser on A.
    const browser = new HttpSession();
    clock.advance(30_000);
    const first = await passwordStep(browser, a.issuer, email);
    expect(isCallback(await submitCode(browser, a.issuer, first.page, codeFor(key, clock), { trust: '1' }))).toBe(true);
    for (const k of [...browser.cookies.keys()]) if (!k.startsWith('oidc-mfa-trusted;')) browser.cookies.delete(k);
    expect(isCallback((await passwordStep(browser, a.issuer, email)).page)).toBe(true);
    for (const k of [...browser.cookies.keys()]) if (!k.startsWith('oidc-mfa-trusted;')) browser.cookies.delete(k);

    // Revoke all on B (after re-authenticating there), then sign in on A.
    const devices = await reauthenticate(console, b.issuer, await console.get(`${b.issuer}/account/security/devices`), { email, password: PASSWORD, key, clock });
    await console.postForm(`${b.issuer}/account/security/devices/revoke-all`, { csrf: hiddenField(devices.text, 'csrf') });
    expect((await passwordStep(browser, a.issuer, email)).page.text).toContain('one-time-code');
  });
});
