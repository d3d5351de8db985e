import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { timeStep, totpCode } from '../../src/factors/totp/totp.ts';
import { AMR } from '../../src/oidc/acr.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { APP_ACCOUNT, FIXTURE_PASSWORD, FIXTURE_SEALING_KEY, PHONE_ACCOUNT } from '../fixtures/upgrade/fixture-accounts.ts';
import { recordingLogger } from '../helpers/abuse.ts';
import { abuseConfig, signedInConsole, type AbuseWorld } from '../helpers/abuse-accounts.ts';
import { base32Decode } from '../helpers/base32.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession } from '../helpers/http-session.ts';
import { submitCode, useBackupCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { deleteRedisPrefix, randomRedisPrefix } from '../helpers/redis.ts';
import { latestCode } from '../helpers/sms-outbox.ts';
import { startIdp, type TestIdp } from '../helpers/start-idp.ts';
import { REDIS_URL, STORE_KINDS, type StoreKind } from '../helpers/test-stores.ts';
import { testKeys } from '../helpers/test-config.ts';

/**
 * Upgrade without loss (issue 10): stores written by the version with one method per account
 * (test/fixtures/upgrade, made by make-fixtures.ts with commit 8dbefce) are opened by today's
 * code, which moves each method into the account's list; then both accounts sign in with what
 * they had enrolled, and the app's backup code still works.
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/upgrade/', import.meta.url));

interface DumpedKey {
  key: string;
  type: 'hash' | 'set' | 'string';
  value: Record<string, string> | string[] | string;
  pttl: number;
}

async function restoreRedisDump(prefix: string): Promise<void> {
  const dump = JSON.parse(readFileSync(path.join(FIXTURES, 'before-several-methods.redis.json'), 'utf8')) as DumpedKey[];
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  try {
    for (const { key, type, value, pttl } of dump) {
      const name = `${prefix}${key}`;
      if (type === 'hash') await client.hSet(name, value as Record<string, string>);
      else if (type === 'set') await client.sAdd(name, value as string[]);
      else await client.set(name, value as string);
      if (pttl > 0) await client.pExpire(name, pttl);
    }
  } finally {
    await client.quit();
  }
}

describe.each(STORE_KINDS)('upgrading a %s store written with one method per account', (kind: StoreKind) => {
  const clock = createFakeClock(Date.now());
  const log = recordingLogger();
  let store: Store;
  let idp: TestIdp;
  let w: AbuseWorld;
  let dir: string;
  let prefix: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'oidc-mfa-upgrade-'));
    if (kind === 'sqlite') {
      const file = path.join(dir, 'store.sqlite');
      copyFileSync(path.join(FIXTURES, 'before-several-methods.sqlite'), file);
      store = openSqliteStore({ file, clock, sweepIntervalMs: 0 });
    } else {
      prefix = randomRedisPrefix();
      await restoreRedisDump(prefix);
      store = await openRedisStore({ url: REDIS_URL, prefix, clock });
    }
    const config = abuseConfig();
    idp = await startIdp({ store, clock, log, config: { ...config, dataDir: dir, sms: { ...config.sms!, outboxFile: path.join(dir, 'outbox.jsonl') } }, keys: { ...testKeys(), sealingKeys: [FIXTURE_SEALING_KEY] } });
    w = { idp, store, clock };
  });

  afterAll(async () => {
    await idp.close();
    await store.close();
    if (prefix) await deleteRedisPrefix(REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  async function signInAfterPassword(email: string) {
    const session = new HttpSession();
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const authorization = await buildAuthorization(client);
    const login = await openAuthorization(session, idp.issuer, authorization);
    const page = await submitPassword(session, idp.issuer, login, email, FIXTURE_PASSWORD);
    return { session, page, client, authorization };
  }

  const appCode = () => totpCode(base32Decode(APP_ACCOUNT.secretBase32), timeStep(clock()));

  test('each account has its one method, now in its list and its default, with its setup story and backup code', async () => {
    const app = (await idp.directory.findByEmail(APP_ACCOUNT.email))!;
    const phone = (await idp.directory.findByEmail(PHONE_ACCOUNT.email))!;
    const appRecord = await store.mfa.get(app.id);
    expect(appRecord?.credentials).toEqual([expect.objectContaining({
      type: 'totp', isDefault: true, lastAcceptedStep: APP_ACCOUNT.lastAcceptedStep, setUp: { how: 'security-page', device: 'Firefox on Linux' }, phone: null,
    })]);
    expect(appRecord?.backupCodeHash).toEqual(expect.any(String));
    expect((await store.mfa.get(phone.id))?.credentials).toEqual([expect.objectContaining({ type: 'sms', isDefault: true, phone: PHONE_ACCOUNT.phone, sealedSecret: null })]);
  });

  test('the app account signs in with its authenticator app', async () => {
    const { session, page, client, authorization } = await signInAfterPassword(APP_ACCOUNT.email);
    expect(page.text).toContain('autocomplete="one-time-code"');
    const callback = await submitCode(session, idp.issuer, page, appCode());
    expect(isCallback(callback)).toBe(true);
    expect((await redeemCode(client, callback, authorization)).claims()?.amr).toEqual([...AMR.totp]);
  });

  test('the phone account signs in with a code texted to its number', async () => {
    const { session, page, client, authorization } = await signInAfterPassword(PHONE_ACCOUNT.email);
    expect(page.text).toContain('Enter the code we texted you');
    const callback = await session.follow(await session.postForm(formAction(page.text, '/sms', idp.issuer), {
      csrf: hiddenField(page.text, 'csrf'), code: latestCode(idp.config.sms.outboxFile!, PHONE_ACCOUNT.phone),
    }), idp.issuer);
    expect((await redeemCode(client, callback, authorization)).claims()?.amr).toEqual([...AMR.sms]);
  });

  test("the app account's backup code from before the upgrade still works, once", async () => {
    clock.advance(30_000);
    const { session, page } = await signInAfterPassword(APP_ACCOUNT.email);
    const used = await useBackupCode(session, idp.issuer, page, APP_ACCOUNT.backupCode);
    expect(used.newCode).toEqual(expect.any(String));
    expect(isCallback(used.next!)).toBe(true);
  });

  test('the Security page lists the method with how it was set up', async () => {
    clock.advance(30_000);
    const console = await signedInConsole(w, { email: APP_ACCOUNT.email, key: APP_ACCOUNT.secretBase32 }, FIXTURE_PASSWORD);
    const page = await console.get(`${idp.issuer}/account/security`);
    expect(page.text).toContain('Authenticator app');
    expect(page.text).toContain('Set up on this Security page, on Firefox on Linux.');
  });
});
