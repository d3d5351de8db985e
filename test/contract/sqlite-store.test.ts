import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import { GRANTS_OF_ACCOUNT } from '../../src/store/sqlite/sqlite-account-grants.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { rewindSqliteTo } from '../helpers/sqlite-rewind.ts';
import { describeAccountGrantsContract } from './account-grants-contract.ts';
import { describeAccountsContract } from './accounts-contract.ts';
import { describeAdapterContract } from './adapter-contract.ts';
import type { OpenStore } from './contract-harness.ts';
import { describeCountersContract } from './counters-contract.ts';
import { describeLifecycleContract } from './lifecycle-contract.ts';
import { describeMfaContract } from './mfa-contract.ts';
import { describeMfaEpochContract } from './mfa-epoch-contract.ts';
import { describePasskeyContract } from './passkey-contract.ts';
import { describeTransientContract } from './transient-contract.ts';
import { describePasswordResetsContract } from './password-resets-contract.ts';
import { describeTrustedDevicesContract } from './trusted-devices-contract.ts';

const open: OpenStore = async (clock) => openSqliteStore({ file: ':memory:', clock, sweepIntervalMs: 0 });
for (const describeContract of [
  describeAdapterContract, describeAccountsContract, describeCountersContract, describeMfaContract, describeMfaEpochContract, describePasskeyContract,
  describeTransientContract, describeTrustedDevicesContract, describeAccountGrantsContract, describeLifecycleContract, describePasswordResetsContract,
]) {
  describeContract('sqlite', open);
}

describe('sqlite store on a file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'oidc-mfa-sqlite-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its data across close and reopen', async () => {
    const clock = createFakeClock();
    const file = path.join(dir, 'nested', 'store.db');
    const first = openSqliteStore({ file, clock, sweepIntervalMs: 0 });
    await first.adapterFactory('Session').upsert('s1', { jti: 's1', uid: 'uid-1' }, 600);
    await first.adapterFactory('AccessToken').upsert('t1', { jti: 't1', grantId: 'g1' });
    await first.accounts.create({
      id: 'sub-1', email: 'alice@example.com', emailVerified: true, name: 'Alice',
      passwordHash: '$argon2id$hash', createdAt: clock(), credentialsChangedAt: clock(),
    });
    await first.counters.increment('ip:1', 60);
    await first.close();

    const second = openSqliteStore({ file, clock, sweepIntervalMs: 0 });
    try {
      expect(await second.adapterFactory('Session').findByUid('uid-1')).toEqual({ jti: 's1', uid: 'uid-1' });
      expect(await second.adapterFactory('AccessToken').find('t1')).toEqual({ jti: 't1', grantId: 'g1' });
      expect(await second.accounts.findByEmail('alice@example.com')).toMatchObject({ id: 'sub-1', name: 'Alice' });
      expect(await second.counters.increment('ip:1', 60)).toBe(2);
      await second.adapterFactory('AccessToken').revokeByGrantId('g1');
      expect(await second.adapterFactory('AccessToken').find('t1')).toBeUndefined();
    } finally {
      await second.close();
    }
  });

  it("finds an account's Grants through the (account, model) index, not by walking its codes and tokens", async () => {
    const file = path.join(dir, 'store.db');
    await openSqliteStore({ file, sweepIntervalMs: 0 }).close();
    const db = new DatabaseSync(file);
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${GRANTS_OF_ACCOUNT}`).all('sub-1', 0) as { detail: string }[];
      expect(plan.map((step) => step.detail)).toEqual(['SEARCH oidc_model USING INDEX oidc_model_account_model (account_id=? AND model=?)']);
    } finally {
      db.close();
    }
  });

  it('sweeps expired trusted devices and keeps the others', async () => {
    const clock = createFakeClock();
    const file = path.join(dir, 'store.db');
    const device = (name: string, lifetimeMs: number) => ({
      id: `td-${name}`, tokenHash: `hmac-${name}`, accountId: 'sub-1', epoch: 0, label: 'Firefox on Linux',
      createdAt: clock(), lastUsedAt: clock(), expiresAt: clock() + lifetimeMs,
    });
    const first = openSqliteStore({ file, clock, sweepIntervalMs: 0 });
    await first.trustedDevices.save(device('short', 60_000));
    await first.trustedDevices.save(device('long', 86_400_000));
    await first.close();

    clock.advance(60_000);
    // The sweeper runs once when the store opens.
    await openSqliteStore({ file, clock, sweepIntervalMs: 0 }).close();
    const db = new DatabaseSync(file);
    try {
      expect(db.prepare('SELECT id FROM trusted_device ORDER BY id').all()).toEqual([{ id: 'td-long' }]);
    } finally {
      db.close();
    }
  });

  it('gives accounts made before look-alike detection their skeleton on upgrade, so a look-alike of them is refused', async () => {
    const clock = createFakeClock();
    const file = path.join(dir, 'store.db');
    const account = (id: string, email: string) => ({
      id, email, emailVerified: true, name: id, passwordHash: '$argon2id$hash', createdAt: clock(), credentialsChangedAt: clock(),
    });
    const first = openSqliteStore({ file, clock, sweepIntervalMs: 0 });
    await first.accounts.create(account('sub-1', 'dup@example.com'));
    await first.close();
    // Back to the schema before the skeleton migration (version 6), with the account written then.
    rewindSqliteTo(file, 6);
    const second = openSqliteStore({ file, clock, sweepIntervalMs: 0 });
    try {
      expect(await second.accounts.create(account('sub-2', 'duр@example.com'))).toBe('look-alike');
      expect(await second.accounts.create(account('sub-3', 'other@example.com'))).toBe('created');
    } finally {
      await second.close();
    }
  });

  it('upgrades an MFA record written before epochs to epoch 0, its factors intact', async () => {
    const clock = createFakeClock();
    const file = path.join(dir, 'store.db');
    await openSqliteStore({ file, clock, sweepIntervalMs: 0 }).close();
    // Back to the schema before the epoch migration (version 3), with a record written then.
    rewindSqliteTo(file, 3);
    const db = new DatabaseSync(file);
    try {
      db.prepare(`INSERT INTO mfa (account_id, totp_sealed_secret, totp_enrolled_at, totp_last_step, backup_code_hash, backup_code_created_at)
        VALUES ('sub-1', 'k1.sealed', 1000, 7, 'backup-hash', 1000)`).run();
    } finally {
      db.close();
    }

    const store = openSqliteStore({ file, clock, sweepIntervalMs: 0 });
    try {
      expect(await store.mfa.get('sub-1')).toEqual({
        accountId: 'sub-1',
        credentials: [{ id: expect.any(String), type: 'totp', createdAt: 1000, lastUsedAt: null, isDefault: true, setUp: null, sealedSecret: 'k1.sealed', lastAcceptedStep: 7, phone: null }],
        backupCodeHash: 'backup-hash', backupCodeCreatedAt: 1000, epoch: 0, sessionsValidAfter: null,
      });
      expect(await store.mfa.raiseEpoch('sub-1', clock(), true)).toBe(1);
      expect(await store.trustedDevices.listForAccount('sub-1')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
