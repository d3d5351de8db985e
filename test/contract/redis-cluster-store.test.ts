/**
 * The whole store contract on a Redis Cluster (REDIS_CLUSTER_URLS): three primaries of the file's
 * own (real redis-server processes on free loopback ports, cluster mode), the store told only the
 * first one and finding the rest itself. Every behaviour the single Redis passes, the cluster
 * layout (src/store/redis/cluster/) passes too, with its keys spread over the three.
 */
import { createCluster } from 'redis';
import { emailSkeleton } from '../../src/accounts/email-skeleton.ts';
import { silentLogger } from '../../src/log.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { randomRedisPrefix } from '../helpers/redis.ts';
import { startRedisCluster, type RedisClusterDeployment } from '../helpers/redis-cluster.ts';
import { stopAllProcesses } from '../helpers/server-process.ts';
import { describeAccountGrantsContract } from './account-grants-contract.ts';
import { describeAccountsContract } from './accounts-contract.ts';
import { describeAdapterContract } from './adapter-contract.ts';
import type { OpenStore } from './contract-harness.ts';
import { describeCountersContract } from './counters-contract.ts';
import { describeGrantRevocationContract } from './grant-revocation-contract.ts';
import { describeLifecycleContract } from './lifecycle-contract.ts';
import { describeMfaContract } from './mfa-contract.ts';
import { describeMfaEpochContract } from './mfa-epoch-contract.ts';
import { describePasskeyContract } from './passkey-contract.ts';
import { describePasswordResetsContract } from './password-resets-contract.ts';
import { describeTransientContract } from './transient-contract.ts';
import { describeTrustedDevicesContract } from './trusted-devices-contract.ts';

let cluster: RedisClusterDeployment | undefined;
const runPrefix = randomRedisPrefix();
let opened = 0;

beforeAll(async () => {
  cluster = await startRedisCluster({ readyTimeoutMs: 60_000 });
}, 120_000);

afterAll(async () => {
  await cluster?.dispose();
  await stopAllProcesses();
});

const open: OpenStore = (clock) => {
  if (!cluster) throw new Error('the Redis Cluster did not start');
  return openRedisStore({ cluster: { urls: [cluster.seedUrls[0]!] }, prefix: `${runPrefix}${(opened += 1)}:`, clock, logger: silentLogger });
};

for (const describeContract of [
  describeAdapterContract, describeAccountsContract, describeCountersContract, describeMfaContract, describeMfaEpochContract, describePasskeyContract,
  describeTransientContract, describeTrustedDevicesContract, describeAccountGrantsContract, describeLifecycleContract, describePasswordResetsContract,
  describeGrantRevocationContract,
]) {
  describeContract('redis-cluster', open);
}

/**
 * What the cluster layout does in steps (src/store/redis/cluster/), where one Redis has one script:
 * a step that stopped half-way, or another request landing between two steps, leaves nothing that
 * serves the wrong account or escapes a later revocation. State is written straight into the
 * cluster (a raw client) to stand for a step that stopped.
 */
describe('redis-cluster store: steps across slots', () => {
  const prefixFor = () => `${runPrefix}${(opened += 1)}:`;
  const clock = createFakeClock();
  const raw = () => {
    const client = createCluster({ rootNodes: [{ url: cluster!.seedUrls[0]! }] });
    client.on('error', () => undefined);
    return client;
  };
  const account = (id: string, email: string) => ({ id, email, emailVerified: false, name: id, passwordHash: 'hash', createdAt: 1, credentialsChangedAt: 1 });
  const withStore = async (test: (store: Store, prefix: string, direct: ReturnType<typeof raw>) => Promise<void>) => {
    const prefix = prefixFor();
    const store = await openRedisStore({ cluster: { urls: cluster!.seedUrls }, prefix, clock, logger: silentLogger });
    const direct = raw();
    await direct.connect();
    try {
      await test(store, prefix, direct);
    } finally {
      await store.close();
      direct.destroy();
    }
  };

  it('an address reserved by a creation that stopped names no account: not found, and the next creation of it takes it over', async () => {
    await withStore(async (store, prefix, direct) => {
      await direct.hSet(`${prefix}{account-index}:emails`, 'ghost@example.com', 'sub-stopped');
      await direct.hSet(`${prefix}{account-index}:skeletons`, emailSkeleton('ghost@example.com'), 'sub-stopped');
      expect(await store.accounts.findByEmail('ghost@example.com')).toBeUndefined();
      expect(await store.accounts.create(account('sub-new', 'ghost@example.com'))).toBe('created');
      expect((await store.accounts.findByEmail('ghost@example.com'))?.id).toBe('sub-new');
      // A live holder keeps its address, and its look-alikes.
      expect(await store.accounts.create(account('sub-other', 'ghost@example.com'))).toBe('email-taken');
      expect(await store.accounts.create(account('sub-look', 'ghоst@example.com'))).toBe('look-alike');
      // An account written by the stopped creation after the takeover does not hold the address.
      await direct.hSet(`${prefix}{account:sub-stopped}:account`, { id: 'sub-stopped', email: 'ghost@example.com', passwordHash: 'x', createdAt: '1', credentialsChangedAt: '1' });
      expect((await store.accounts.findByEmail('ghost@example.com'))?.id).toBe('sub-new');
      expect((await store.accounts.list()).map((listed) => listed.id)).toEqual(['sub-new']);
    });
  });

  it("a passkey's owner key left by a step that stopped is taken over; one whose account holds the passkey is not", async () => {
    await withStore(async (store, prefix, direct) => {
      const passkey = (id: string) => ({ id, type: 'passkey' as const, setUp: null, sealedSecret: null, lastAcceptedStep: null, phone: null,
        passkey: { credentialId: 'Y3JlZC1sZWZ0', publicKey: 'pQECAyYg', counter: 0, transports: [], backupEligible: false, backupState: false, name: 'Key', hardwareBound: false } });
      await direct.set(`${prefix}passkey-owner:Y3JlZC1sZWZ0`, 'sub-gone');
      expect(await store.mfa.addCredential('sub-alice', passkey('pk-alice'), 'hash', 1)).toBe(true);
      expect(await direct.get(`${prefix}passkey-owner:Y3JlZC1sZWZ0`)).toBe('sub-alice');
      expect(await store.mfa.addCredential('sub-bob', passkey('pk-bob'), 'hash', 2)).toBe(false);
      expect(await store.mfa.get('sub-bob')).toBeUndefined();
      // Removed, it frees its owner key for another account.
      expect(await store.mfa.removeCredential('sub-alice', 'pk-alice')).toBe(0);
      expect(await store.mfa.addCredential('sub-bob', passkey('pk-bob'), 'hash', 3)).toBe(true);
    });
  });

  it("Grants saved while the account's sessions end keep their place: the next revocation finds every one", async () => {
    await withStore(async (store, prefix, direct) => {
      const grants = store.adapterFactory('Grant');
      const tokens = store.adapterFactory('AccessToken');
      const save = async (id: string) => {
        await grants.upsert(id, { jti: id, kind: 'Grant', accountId: 'sub-alice', clientId: 'app' }, 3600);
        await tokens.upsert(`at-${id}`, { jti: `at-${id}`, kind: 'AccessToken', grantId: id, accountId: 'sub-alice', clientId: 'app' }, 600);
      };
      for (let i = 0; i < 10; i += 1) await save(`g-old-${i}`);
      await Promise.all([store.revokeGrantsOf('sub-alice'), ...Array.from({ length: 10 }, (_, i) => save(`g-new-${i}`))]);
      for (let i = 0; i < 10; i += 1) {
        expect(await grants.find(`g-old-${i}`)).toBeUndefined();
        expect(await tokens.find(`at-g-old-${i}`)).toBeUndefined();
      }
      // Whatever of the new ones survived the race is in the account's set, and goes with the next revocation.
      const set = await direct.sMembers(`${prefix}{account:sub-alice}:oidc-grants`);
      for (let i = 0; i < 10; i += 1) {
        if (await grants.find(`g-new-${i}`)) expect(set).toContain(`${prefix}oidc:Grant:g-new-${i}`);
      }
      await store.revokeGrantsOf('sub-alice');
      for (let i = 0; i < 10; i += 1) {
        expect(await grants.find(`g-new-${i}`)).toBeUndefined();
        expect(await tokens.find(`at-g-new-${i}`)).toBeUndefined();
      }
      // Nothing of Alice's grants is left behind: not an entry, not an index.
      const left: string[] = [];
      for (const node of direct.masters) {
        const client = await direct.nodeClient(node);
        for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) left.push(...keys);
      }
      expect(left.filter((key) => key.includes('Grant') || key.includes('AccessToken') || key.includes('oidc-grant'))).toEqual([]);
    });
  });
});
