import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, postCodeToTokenEndpoint, submitPassword, type Authorization } from '../helpers/oidc-flow.ts';
import { startIdp, type TestIdp } from '../helpers/start-idp.ts';

const EMAIL = 'sqlite-outage@example.com';
const PASSWORD = 'a password for sqlite outages';

/**
 * The SQLite store's failures are translated at its boundary like Redis's (sqlite-errors.ts): a
 * write lock held by another process past busy_timeout, or a database already closed, answers
 * 503 "try again" on pages and on oidc-provider's JSON endpoints, never 500.
 */
describe.each([
  ['a write lock held by another connection past busy_timeout', 'locked'],
  ['the database closed under the running provider', 'closed'],
] as const)('SQLite unavailable: %s', (_label, fault) => {
  let dir: string;
  let store: Store;
  let idp: TestIdp;
  let release: () => void = () => {};

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'oidc-mfa-sqlite-unavailable-'));
    // A short busy_timeout: each locked call waits this long (blocking, node:sqlite is synchronous).
    store = openSqliteStore({ file: path.join(dir, 'oidc-mfa.sqlite'), sweepIntervalMs: 0, busyTimeoutMs: 100 });
    idp = await startIdp({ store });
    await idp.directory.add({ email: EMAIL, password: PASSWORD, name: 'Outage', emailVerified: true });
  });

  afterAll(async () => {
    release();
    await idp.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function makeUnavailable(): void {
    if (fault === 'closed') {
      void store.close();
      return;
    }
    const other = new DatabaseSync(path.join(dir, 'oidc-mfa.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    release = () => {
      if (!other.isOpen) return;
      other.exec('ROLLBACK');
      other.close();
    };
  }

  const redeem = (callback: HttpResponse, authorization: Authorization) => postCodeToTokenEndpoint(idp.issuer, callback, authorization);

  test('the sign-in page, the password step and POST /token answer 503 with Retry-After, not 500', async () => {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    // A code left at the callback (to redeem while the store is unavailable), and a sign-in page still open.
    const first = new HttpSession();
    const firstAuthorization = await buildAuthorization(client);
    const callback = await submitPassword(first, idp.issuer, await openAuthorization(first, idp.issuer, firstAuthorization), EMAIL, PASSWORD);
    expect(isCallback(callback)).toBe(true);
    const second = new HttpSession();
    const loginPage = await openAuthorization(second, idp.issuer, await buildAuthorization(client));
    expect(loginPage.text).toContain('autocomplete="current-password"');

    makeUnavailable();

    const authorize = await new HttpSession().get((await buildAuthorization(client)).url);
    expect(authorize.status).toBe(503);
    expect(authorize.text).toContain('STORE_UNAVAILABLE');
    expect(authorize.headers.get('retry-after')).toBe('30');

    const password = await submitPassword(second, idp.issuer, loginPage, EMAIL, PASSWORD);
    expect(password.status).toBe(503);
    expect(password.text).toContain('STORE_UNAVAILABLE');
    expect(password.headers.get('retry-after')).toBe('30');

    const token = await redeem(callback, firstAuthorization);
    expect({ status: token.status, retryAfter: token.headers.get('retry-after'), body: await token.json() }).toEqual({
      status: 503,
      retryAfter: '30',
      body: expect.objectContaining({ error: 'temporarily_unavailable' }),
    });
    expect((await fetch(`${idp.issuer}/healthz`)).status).toBe(fault === 'closed' ? 503 : 200);

    if (fault === 'locked') {
      // Once the other connection lets go, the same code redeems: the failed call changed nothing.
      release();
      expect((await redeem(callback, firstAuthorization)).status).toBe(200);
    }
  });
});
