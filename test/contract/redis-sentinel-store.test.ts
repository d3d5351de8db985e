/**
 * The whole store contract through node-redis's Sentinel client (REDIS_SENTINEL_URLS), on a
 * primary, a replica and three sentinels of the file's own (real redis-server processes on free
 * loopback ports), with REDIS_WAIT_REPLICAS=1: every command the store sends works through the
 * Sentinel client, and every durable write is acknowledged by the replica.
 */
import { silentLogger } from '../../src/log.ts';
import { openRedisStore } from '../../src/store/redis/open-redis-store.ts';
import { randomRedisPrefix } from '../helpers/redis.ts';
import { startSentinelDeployment, type SentinelDeployment } from '../helpers/redis-sentinel.ts';
import { stopAllProcesses } from '../helpers/server-process.ts';
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
import { describeTrustedDevicesContract } from './trusted-devices-contract.ts';

let deployment: SentinelDeployment | undefined;
const runPrefix = randomRedisPrefix();
let opened = 0;

beforeAll(async () => {
  deployment = await startSentinelDeployment({ readyTimeoutMs: 90_000 });
}, 180_000);

afterAll(async () => {
  await deployment?.dispose();
  await stopAllProcesses();
});

const open: OpenStore = (clock) => {
  if (!deployment) throw new Error('the Sentinel deployment did not start');
  return openRedisStore({ sentinel: { urls: deployment.sentinelUrls, name: deployment.name }, prefix: `${runPrefix}${(opened += 1)}:`, clock, logger: silentLogger, waitReplicas: 1 });
};

for (const describeContract of [
  describeAdapterContract, describeAccountsContract, describeCountersContract, describeMfaContract, describeMfaEpochContract, describePasskeyContract,
  describeTransientContract, describeTrustedDevicesContract, describeAccountGrantsContract, describeLifecycleContract,
]) {
  describeContract('redis-sentinel', open);
}
