import type { Clock } from '../../../clock.ts';
import { createRedisCounters } from '../redis-counters.ts';
import type { RedisClient } from '../redis-script.ts';
import { createRedisTransient } from '../redis-transient.ts';
import { createClusterAccounts } from './cluster-accounts.ts';
import { createClusterAdapterFactory } from './cluster-adapter.ts';
import { createClusterGrants } from './cluster-grants.ts';
import { clusterKeys } from './cluster-keys.ts';
import { createClusterMfa } from './cluster-mfa.ts';
import { createRedisAccountStates } from '../redis-account-states.ts';
import { createClusterPasswordResets } from './cluster-password-resets.ts';
import { createClusterTrustedDevices } from './cluster-trusted-devices.ts';

/**
 * The store's parts on a Redis Cluster (open-redis-store.ts wraps them as it wraps one Redis's):
 * the layout of cluster-keys.ts, the cross-slot steps of the cluster-*.ts modules, and, where one
 * key is all a part touches (transient values; the counters, all in one slot), the single-Redis
 * parts themselves.
 */
export function clusterStoreParts(client: RedisClient, prefix: string, clock: Clock) {
  const keys = clusterKeys(prefix);
  const grants = createClusterGrants(client, keys, clock);
  const mfa = createClusterMfa(client, keys, grants);
  return {
    adapterFactory: createClusterAdapterFactory(client, keys, grants, clock),
    revokeGrantsOf: (accountId: string) => grants.revokeAccountGrants(accountId),
    accounts: createClusterAccounts(client, keys, grants),
    counters: createRedisCounters(client, keys.counterPrefix, clock),
    mfa,
    // The account and its MFA record share the account's slot: one script, as on one Redis.
    accountStates: createRedisAccountStates(mfa),
    transient: createRedisTransient(client, prefix, clock),
    trustedDevices: createClusterTrustedDevices(client, keys, clock),
    grants: grants.store,
    passwordResets: createClusterPasswordResets(client, keys, clock),
  };
}
