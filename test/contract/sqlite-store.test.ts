import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { describeAccountsContract } from './accounts-contract.ts';
import { describeAdapterContract } from './adapter-contract.ts';
import type { OpenStore } from './contract-harness.ts';
import { describeCountersContract } from './counters-contract.ts';
import { describeLifecycleContract } from './lifecycle-contract.ts';
import { describeMfaContract } from './mfa-contract.ts';
import { describeTransientContract } from './transient-contract.ts';

const open: OpenStore = async (clock) => openSqliteStore({ file: ':memory:', clock, sweepIntervalMs: 0 });
for (const describeContract of [
  describeAdapterContract, describeAccountsContract, describeCountersContract, describeMfaContract,
  describeTransientContract, describeLifecycleContract,
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
});
