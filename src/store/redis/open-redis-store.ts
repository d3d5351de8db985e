import { systemClock, type Clock } from '../../clock.ts';
import { createJsonLogger, type Logger } from '../../log.ts';
import { openRedisConnection } from './redis-connection.ts';
import { DURABLE_WRITES, withReplicaWait } from './replica-wait.ts';
import { StoreUnavailableError, type Store } from '../store.ts';
import { createRedisAccounts } from './redis-accounts.ts';
import { createRedisAccountGrants } from './redis-account-grants.ts';
import { createRedisAdapterFactory, revokeAccountGrants } from './redis-adapter.ts';
import { createRedisCounters } from './redis-counters.ts';
import { createRedisMfa } from './redis-mfa.ts';
import { createRedisAccountStates } from './redis-account-states.ts';
import { createRedisTransient } from './redis-transient.ts';
import { createRedisPasswordResets } from './redis-password-resets.ts';
import { createRedisTrustedDevices } from './redis-trusted-devices.ts';
import { withRedisErrors } from './redis-errors.ts';
import { withDeadline, withinDeadline } from '../store-deadline.ts';
import { clusterStoreParts } from './cluster/cluster-store-parts.ts';
import type { RedisClient } from './redis-script.ts';

export interface RedisStoreOptions {
  /** redis:// or rediss:// URL; may carry credentials, so it is never logged. Or `sentinel`. */
  url?: string;
  /** The sentinels (their redis:// URLs) and the name of the primary they watch, instead of `url`. */
  sentinel?: { urls: string[]; name: string };
  /** Some nodes of a Redis Cluster (their redis:// URLs), instead of `url`: the store's cluster layout (cluster/). */
  cluster?: { urls: string[] };
  /** Starts every key, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  clock?: Clock;
  logger?: Logger;
  /** The deadline of every store call (STORE_TIMEOUT_MS); past it the call fails as "store unavailable". */
  timeoutMs?: number;
  /** Replicas that must have a durable write before it is answered (REDIS_WAIT_REPLICAS; replica-wait.ts). */
  waitReplicas?: number;
}

export const DEFAULT_STORE_TIMEOUT_MS = 3_000;

/**
 * The store for several instances: one Redis (a single node, or a primary that Redis Sentinel
 * watches), or a Redis Cluster, whose keys spread over its primaries (cluster/cluster-keys.ts).
 * Resolves once connected; rejects with StoreUnavailableError when the first connection fails, so
 * a misconfigured address shows at startup rather than as 503s later. After that, a lost connection is retried forever in the
 * background while every command fails (no offline queue), so requests answer 503 instead of
 * hanging. A Redis that stalls with the connection still open is met by the deadline on every
 * call (timeoutMs, store-deadline.ts; node-redis's own per-command timeout is not used, see
 * redis-connection.ts), MULTI transactions and a Sentinel client rediscovering the primary
 * included, so every store call ends within the deadline.
 */
export async function openRedisStore(options: RedisStoreOptions): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const logger = options.logger ?? createJsonLogger();
  if (options.cluster && /[{}]/.test(options.prefix)) throw new Error('a Redis Cluster store\'s prefix must hold no { or }: a hash tag there would put every key in one slot');
  if (options.cluster && (options.waitReplicas ?? 0) > 0) throw new Error('REDIS_WAIT_REPLICAS does not apply to a Redis Cluster');
  const target = options.cluster ? { cluster: options.cluster } : options.sentinel ? { sentinel: options.sentinel } : { url: options.url ?? '' };
  const connection = await openRedisConnection(target, { logger });
  const { client } = connection;
  // WAIT gets half the deadline, so a missing replica is a 503 well before the store call's own deadline.
  const replicaWait = <T extends object>(part: T, methods: readonly string[]) => withReplicaWait(part, methods, client, connection.generation, options.waitReplicas ?? 0, Math.max(1, Math.floor(timeoutMs / 2)));

  const parts = options.cluster ? clusterStoreParts(client, options.prefix, clock) : singleStoreParts(client, options.prefix, clock);
  let closing: Promise<void> | undefined;
  const guarded = <T extends object>(part: T): T => withDeadline(withRedisErrors(part), timeoutMs);
  const grants = guarded(replicaWait({ revokeGrantsOf: parts.revokeGrantsOf }, DURABLE_WRITES.revokeGrantsOf));

  return {
    kind: 'redis',
    adapterFactory: (model) => guarded(parts.adapterFactory(model)),
    revokeGrantsOf: grants.revokeGrantsOf,
    accounts: guarded(replicaWait(parts.accounts, DURABLE_WRITES.accounts)),
    counters: guarded(parts.counters),
    mfa: guarded(replicaWait(parts.mfa, DURABLE_WRITES.mfa)),
    accountStates: guarded(parts.accountStates),
    transient: guarded(parts.transient),
    trustedDevices: guarded(replicaWait(parts.trustedDevices, DURABLE_WRITES.trustedDevices)),
    grants: guarded(replicaWait(parts.grants, DURABLE_WRITES.grants)),
    passwordResets: guarded(replicaWait(parts.passwordResets, DURABLE_WRITES.passwordResets)),
    async ping() {
      try {
        await withinDeadline(client.ping(), timeoutMs);
      } catch (error) {
        throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(error);
      }
    },
    async persistence() {
      try {
        // Managed Redis services often forbid CONFIG: then we cannot tell.
        const [aof, rdb] = await withinDeadline(Promise.all([client.configGet('appendonly'), client.configGet('save')]), timeoutMs);
        return aof.appendonly === 'yes' || (rdb.save ?? '').trim() !== '' ? 'persistent' : 'ephemeral';
      } catch {
        return 'unknown';
      }
    },
    close() {
      closing ??= connection.close();
      return closing;
    },
  };
}

/** The store's parts on one Redis (or a Sentinel-watched primary): every multi-key change one script. */
function singleStoreParts(client: RedisClient, prefix: string, clock: Clock) {
  const mfa = createRedisMfa(client, prefix);
  return {
    adapterFactory: createRedisAdapterFactory(client, prefix, clock),
    revokeGrantsOf: (accountId: string) => revokeAccountGrants(client, prefix, accountId),
    accounts: createRedisAccounts(client, prefix),
    counters: createRedisCounters(client, prefix, clock),
    mfa,
    accountStates: createRedisAccountStates(mfa),
    transient: createRedisTransient(client, prefix, clock),
    trustedDevices: createRedisTrustedDevices(client, prefix, clock),
    grants: createRedisAccountGrants(client, prefix, clock),
    passwordResets: createRedisPasswordResets(client, prefix, clock),
  };
}
