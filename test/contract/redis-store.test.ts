import { createClient } from 'redis';
import { silentLogger } from '../../src/log.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import { StoreUnavailableError, type Store } from '../../src/store/store.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { deleteRedisPrefix, randomRedisPrefix, TEST_REDIS_URL } from '../helpers/redis.ts';
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
import { addApp } from '../helpers/mfa-records.ts';

const runPrefix = randomRedisPrefix();
let opened = 0;
// Each store gets a sub-prefix of the run's prefix, so every test starts from an empty store.
const nextPrefix = () => `${runPrefix}${(opened += 1)}:`;

const open: OpenStore = (clock) => openRedisStore({ url: TEST_REDIS_URL, prefix: nextPrefix(), clock, logger: silentLogger });
const cleanup = () => deleteRedisPrefix(TEST_REDIS_URL, runPrefix);
for (const describeContract of [
  describeAdapterContract, describeAccountsContract, describeCountersContract, describeMfaContract, describeMfaEpochContract, describePasskeyContract,
  describeTransientContract, describeTrustedDevicesContract, describeAccountGrantsContract, describeLifecycleContract, describePasswordResetsContract,
]) {
  describeContract('redis', open, cleanup);
}

describe('redis store specifics', () => {
  const inspector = createClient({ url: TEST_REDIS_URL, socket: { reconnectStrategy: false } });

  beforeAll(async () => {
    inspector.on('error', () => {});
    await inspector.connect();
  });
  afterAll(async () => {
    inspector.destroy();
    await deleteRedisPrefix(TEST_REDIS_URL, runPrefix);
  });

  const keysUnder = async (prefix: string) => {
    const keys: string[] = [];
    for await (const batch of inspector.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    return keys;
  };

  it('passkeys stored before owner keys existed get theirs on upgrade: their credential id is refused to another account', async () => {
    const prefix = nextPrefix();
    const passkey = { credentialId: 'b2xkLXBhc3NrZXk', publicKey: 'pQECAyYg', counter: 3, transports: ['usb'], backupEligible: false, backupState: false, name: 'Old key' };
    // As the previous version wrote a passkey: the method in the methods hash, no owner key.
    await inspector.hSet(`${prefix}mfa-methods:sub-old`, 'pk-old', JSON.stringify({
      id: 'pk-old', type: 'passkey', createdAt: 1, lastUsedAt: null, isDefault: true, setUp: null, sealedSecret: null, lastAcceptedStep: null, phone: null, passkey,
    }));
    await inspector.hSet(`${prefix}mfa:sub-old`, { backupCodeHash: 'hash', backupCodeCreatedAt: '1', epoch: '1' });
    await inspector.set(`${prefix}mfa-methods-upgraded`, '1');
    const store = await openRedisStore({ url: TEST_REDIS_URL, prefix, clock: createFakeClock(), logger: silentLogger });
    try {
      const stolen = { id: 'pk-new', type: 'passkey' as const, setUp: null, sealedSecret: null, lastAcceptedStep: null, phone: null, passkey: { ...passkey, name: 'Not mine', hardwareBound: false } };
      expect(await store.mfa.addCredential('sub-new', stolen, 'hash', 2)).toBe(false);
      expect(await inspector.get(`${prefix}passkey-owner:${passkey.credentialId}`)).toBe('sub-old');
      expect((await store.mfa.get('sub-old'))?.credentials[0]?.passkey).toEqual({ ...passkey, hardwareBound: false });
      // Had an older store given the id to a second account too, that account's removal frees only its own: the key stays the owner's.
      await inspector.hSet(`${prefix}mfa-methods:sub-twin`, 'pk-twin', JSON.stringify({
        id: 'pk-twin', type: 'passkey', createdAt: 1, lastUsedAt: null, isDefault: true, setUp: null, sealedSecret: null, lastAcceptedStep: null, phone: null, passkey,
      }));
      expect(await store.mfa.removeCredential('sub-twin', 'pk-twin')).toBe(0);
      expect(await inspector.get(`${prefix}passkey-owner:${passkey.credentialId}`)).toBe('sub-old');
      await store.mfa.disable('sub-old', 3);
      expect(await inspector.get(`${prefix}passkey-owner:${passkey.credentialId}`)).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('writes every key under its prefix, and gives expiring entries a real TTL as cleanup', async () => {
    const prefix = nextPrefix();
    const clock = createFakeClock();
    const store = await openRedisStore({ url: TEST_REDIS_URL, prefix, clock, logger: silentLogger });
    try {
      await store.adapterFactory('Session').upsert('s1', { jti: 's1', uid: 'uid-1' }, 60);
      await store.adapterFactory('DeviceCode').upsert('d1', { jti: 'd1', userCode: 'AB-CD', grantId: 'g1' }, 120);
      await store.adapterFactory('AccessToken').upsert('t1', { jti: 't1', grantId: 'g1' }, 30);
      await store.accounts.create({
        id: 'sub-1', email: 'alice@example.com', emailVerified: true, name: 'Alice',
        passwordHash: '$argon2id$hash', createdAt: clock(), credentialsChangedAt: clock(),
      });
      await store.counters.increment('ip:1', 60);
      await addApp(store.mfa, 'sub-1', 'k1.sealed', 63_115_200, '$argon2id$backup', clock());
      await store.transient.set('pending:uid-1', 'sub-1', 300);

      const keys = await keysUnder(prefix);
      expect(keys).toHaveLength(16);
      const ttls = Object.fromEntries(await Promise.all(keys.map(async (key) => [key.slice(prefix.length), await inspector.pTTL(key)] as const)));
      for (const [name, seconds] of [['oidc:Session:s1', 60], ['oidc-uid:Session:uid-1', 60], ['oidc:DeviceCode:d1', 120],
        ['oidc-user-code:DeviceCode:AB-CD', 120], ['oidc-grant:g1', 120], ['oidc:AccessToken:t1', 30], ['counter:ip:1', 60], ['transient:pending:uid-1', 300]] as const) {
        expect(ttls[name]).toBeGreaterThan(seconds * 1000);
        expect(ttls[name]).toBeLessThanOrEqual(seconds * 1000 + 10_000);
      }
      expect(ttls['account:sub-1']).toBe(-1);
      expect(ttls['account-emails']).toBe(-1);
      expect(ttls['account-skeletons']).toBe(-1);
      expect(ttls['mfa:sub-1']).toBe(-1);
      expect(ttls['mfa-methods:sub-1']).toBe(-1);

      await store.adapterFactory('AccessToken').revokeByGrantId('g1');
      await store.adapterFactory('Session').destroy('s1');
      await store.accounts.remove('sub-1');
      await store.counters.reset('ip:1');
      await store.mfa.remove('sub-1');
      expect(await store.transient.take('pending:uid-1')).toBe('sub-1');
      // Only the markers of the one-time upgrades stay: older accounts' skeletons indexed (redis-accounts.ts),
      // one-method MFA records moved to methods, passkeys given owner keys (redis-mfa.ts).
      expect((await keysUnder(prefix)).sort()).toEqual([`${prefix}account-skeletons-built`, `${prefix}mfa-methods-upgraded`, `${prefix}passkey-owners-indexed`]);
    } finally {
      await store.close();
    }
  });

  it('keeps trusted devices under the prefix with a real TTL as cleanup, and leaves nothing after revokeAll', async () => {
    const prefix = nextPrefix();
    const clock = createFakeClock();
    const store = await openRedisStore({ url: TEST_REDIS_URL, prefix, clock, logger: silentLogger });
    const DAY_MS = 86_400_000;
    const device = (name: string, accountId: string, lifetimeMs: number) => ({
      id: `td-${name}`, tokenHash: `hmac-${name}`, accountId, epoch: 0, label: 'Firefox on Linux',
      createdAt: clock(), lastUsedAt: clock(), expiresAt: clock() + lifetimeMs,
    });
    try {
      await store.trustedDevices.save(device('a1', 'sub-1', DAY_MS));
      await store.trustedDevices.save(device('a2', 'sub-1', 30 * DAY_MS));
      await store.trustedDevices.save(device('b1', 'sub-2', DAY_MS));
      await store.mfa.raiseEpoch('sub-1', clock(), true);

      const keys = (await keysUnder(prefix)).map((key) => key.slice(prefix.length)).sort();
      expect(keys).toEqual([
        'mfa:sub-1',
        'trusted-device-token:hmac-a1', 'trusted-device-token:hmac-a2', 'trusted-device-token:hmac-b1',
        'trusted-device:td-a1', 'trusted-device:td-a2', 'trusted-device:td-b1',
        'trusted-devices:sub-1', 'trusted-devices:sub-2',
      ]);
      for (const [name, lifetimeMs] of [['trusted-device:td-a1', DAY_MS], ['trusted-device-token:hmac-a1', DAY_MS],
        ['trusted-device:td-a2', 30 * DAY_MS], ['trusted-device-token:hmac-a2', 30 * DAY_MS],
        // An account's set lives as long as its longest-lived device.
        ['trusted-devices:sub-1', 30 * DAY_MS], ['trusted-devices:sub-2', DAY_MS]] as const) {
        const ttl = await inspector.pTTL(`${prefix}${name}`);
        expect(ttl).toBeGreaterThan(lifetimeMs);
        expect(ttl).toBeLessThanOrEqual(lifetimeMs + 10_000);
      }
      expect(await inspector.pTTL(`${prefix}mfa:sub-1`)).toBe(-1);

      expect(await store.trustedDevices.revokeAll('sub-1')).toBe(2);
      expect(await store.trustedDevices.revoke('sub-2', 'td-b1')).toBe(true);
      await store.mfa.remove('sub-1');
      expect(await keysUnder(prefix)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('drops from an account\'s set the devices Redis has already expired', async () => {
    const prefix = nextPrefix();
    const clock = createFakeClock();
    const store = await openRedisStore({ url: TEST_REDIS_URL, prefix, clock, logger: silentLogger });
    const device = (name: string) => ({
      id: `td-${name}`, tokenHash: `hmac-${name}`, accountId: 'sub-1', epoch: 0, label: 'Firefox on Linux',
      createdAt: clock(), lastUsedAt: clock(), expiresAt: clock() + 60_000,
    });
    try {
      await store.trustedDevices.save(device('a1'));
      await store.trustedDevices.save(device('a2'));
      // What the real PEXPIRE does: the device and its token index go, the set keeps the id.
      await inspector.del([`${prefix}trusted-device:td-a1`, `${prefix}trusted-device-token:hmac-a1`]);
      expect((await store.trustedDevices.listForAccount('sub-1')).map((listed) => listed.id)).toEqual(['td-a2']);
      expect(await inspector.sMembers(`${prefix}trusted-devices:sub-1`)).toEqual(['td-a2']);
      expect(await store.trustedDevices.revoke('sub-1', 'td-a2')).toBe(true);
      expect(await keysUnder(prefix)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('indexes the skeletons of accounts made before look-alike detection, so a look-alike of them is refused', async () => {
    const prefix = nextPrefix();
    const clock = createFakeClock();
    const account = (id: string, email: string) => ({
      id, email, emailVerified: true, name: id, passwordHash: '$argon2id$hash', createdAt: clock(), credentialsChangedAt: clock(),
    });
    const first = await openRedisStore({ url: TEST_REDIS_URL, prefix, clock, logger: silentLogger });
    await first.accounts.create(account('sub-1', 'dup@example.com'));
    await first.close();
    // As an older version left it: no skeleton index, no marker, no skeleton on the account.
    await inspector.del([`${prefix}account-skeletons`, `${prefix}account-skeletons-built`]);
    await inspector.hDel(`${prefix}account:sub-1`, 'emailSkeleton');
    const second = await openRedisStore({ url: TEST_REDIS_URL, prefix, clock, logger: silentLogger });
    try {
      expect(await second.accounts.create(account('sub-2', 'duр@example.com'))).toBe('look-alike');
      expect(await second.accounts.remove('sub-1')).toBe(true);
      expect(await second.accounts.create(account('sub-2', 'duр@example.com'))).toBe('created');
    } finally {
      await second.close();
    }
  });

  it('reports commands on a closed store as StoreUnavailableError', async () => {
    const store = await openRedisStore({ url: TEST_REDIS_URL, prefix: nextPrefix(), logger: silentLogger });
    await store.close();
    await expect(store.adapterFactory('Session').find('s1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.accounts.list()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.counters.increment('k', 60)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.mfa.acceptTotpStep('sub-1', 'app-1', 1, 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.transient.take('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.mfa.raiseEpoch('sub-1', 1, true)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.trustedDevices.revokeAll('sub-1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.trustedDevices.listForAccount('sub-1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('lets only one of two instances win a TOTP step, a backup code, a transient value or a revoke, and gives each raise its own epoch', async () => {
    const prefix = nextPrefix();
    const clock = createFakeClock();
    const [first, second] = await Promise.all([1, 2].map(() => openRedisStore({ url: TEST_REDIS_URL, prefix, clock, logger: silentLogger })));
    try {
      // 20 calls, alternating between the two instances (two connections).
      const both = <T>(call: (store: Store, index: number) => Promise<T>) =>
        Promise.all(Array.from({ length: 20 }, (_, index) => call(index % 2 === 0 ? first! : second!, index)));
      const appId = await addApp(first!.mfa, 'sub-1', 'k1.sealed', 100, 'hash-0', clock());
      expect((await both((store) => store.mfa.acceptTotpStep('sub-1', appId, 101, clock()))).filter(Boolean)).toHaveLength(1);
      const swaps = await both((store, index) => store.mfa.swapBackupCode('sub-1', 'hash-0', `hash-${index + 1}`, clock()));
      expect(swaps.filter(Boolean)).toHaveLength(1);
      expect((await second!.mfa.get('sub-1'))?.backupCodeHash).toBe(`hash-${swaps.indexOf(true) + 1}`);
      await first!.transient.set('k', 'v', 60);
      expect((await both((store) => store.transient.take('k'))).filter((value) => value !== undefined)).toEqual(['v']);
      const epochs = await both((store) => store.mfa.raiseEpoch('sub-1', clock(), true));
      // The enrolment above was epoch 1; the twenty raises take 2 to 21, once each.
      expect([...epochs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 2));
      await first!.trustedDevices.save({
        id: 'td-1', tokenHash: 'hmac-1', accountId: 'sub-1', epoch: 20, label: 'Firefox on Linux',
        createdAt: clock(), lastUsedAt: clock(), expiresAt: clock() + 60_000,
      });
      expect((await both((store) => store.trustedDevices.revoke('sub-1', 'td-1'))).filter(Boolean)).toHaveLength(1);
      await first!.mfa.remove('sub-1');
      expect((await keysUnder(prefix)).sort()).toEqual([`${prefix}mfa-methods-upgraded`, `${prefix}passkey-owners-indexed`]);
    } finally {
      await Promise.all([first!.close(), second!.close()]);
    }
  });

  it('keeps reset links under the prefix with a real TTL as cleanup, and leaves nothing after revokeAllOf', async () => {
    const prefix = nextPrefix();
    const clock = createFakeClock();
    const store = await openRedisStore({ url: TEST_REDIS_URL, prefix, clock, logger: silentLogger });
    try {
      await store.passwordResets.save('hash-1', { accountId: 'sub-1', passwordFingerprint: 'fp', expiresAt: clock() + 30 * 60_000 });
      const keys = (await keysUnder(prefix)).map((key) => key.slice(prefix.length)).sort();
      expect(keys).toEqual(['password-reset:hash-1', 'password-resets-of:sub-1']);
      for (const key of keys) {
        const ttl = await inspector.pTTL(prefix + key);
        expect(ttl).toBeGreaterThan(30 * 60_000);
        expect(ttl).toBeLessThanOrEqual(30 * 60_000 + 10_000);
      }
      expect(await store.passwordResets.revokeAllOf('sub-1')).toBe(1);
      expect(await keysUnder(prefix)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('rejects with StoreUnavailableError when Redis cannot be reached at startup', async () => {
    await expect(openRedisStore({ url: 'redis://127.0.0.1:1', prefix: nextPrefix(), logger: silentLogger }))
      .rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
