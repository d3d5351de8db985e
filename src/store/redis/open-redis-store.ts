import { createClient } from 'redis';
import { systemClock, type Clock } from '../../clock.ts';
import { createJsonLogger, describeError, type Logger } from '../../log.ts';
import { StoreUnavailableError, type Store } from '../store.ts';
import { createRedisAccounts } from './redis-accounts.ts';
import { createRedisAccountGrants } from './redis-account-grants.ts';
import { createRedisAdapterFactory, revokeAccountGrants } from './redis-adapter.ts';
import { createRedisCounters } from './redis-counters.ts';
import { createRedisMfa } from './redis-mfa.ts';
import { createRedisTransient } from './redis-transient.ts';
import { createRedisPasswordResets } from './redis-password-resets.ts';
import { createRedisTrustedDevices } from './redis-trusted-devices.ts';
import { withRedisErrors } from './redis-errors.ts';
import { withDeadline, withinDeadline } from '../store-deadline.ts';

export interface RedisStoreOptions {
  /** redis:// or rediss:// URL; may carry credentials, so it is never logged. */
  url: string;
  /** Starts every key, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  clock?: Clock;
  logger?: Logger;
  /** The deadline of every store call (STORE_TIMEOUT_MS); past it the call fails as "store unavailable". */
  timeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_STORE_TIMEOUT_MS = 3_000;
const CLOSE_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * The store for several instances: one Redis (a single node or a primary; Redis Cluster is not
 * supported, see lua-scripts.ts). Resolves once connected; rejects with StoreUnavailableError
 * when the first connection fails, so a misconfigured URL shows at startup rather than as
 * 503s later. After that, a lost connection is retried forever in the background while every
 * command fails at once (no offline queue), so requests answer 503 instead of hanging. A Redis
 * that stalls with the connection still open is met by the deadline on every call (timeoutMs):
 * node-redis's own command timeout drops the command from its queue, and our wrapper covers what
 * that timeout does not (MULTI transactions), so every store call ends within the deadline.
 */
export async function openRedisStore(options: RedisStoreOptions): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const logger = options.logger ?? createJsonLogger();
  let connected = false;
  let healthy = true;

  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: timeoutMs },
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // false stops retrying, so only the very first connection gives up; later outages back
      // off (with jitter, so instances do not reconnect in lockstep) and retry forever.
      reconnectStrategy: (retries) => connected
        ? Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100)
        : false,
    },
  });
  // Without an 'error' listener node-redis's EventEmitter would throw and crash the process.
  // Logged once per outage (not once per retry); the message never carries the URL.
  client.on('error', (error: unknown) => {
    if (!healthy) return;
    healthy = false;
    // node-redis errors all have the name 'Error'; the class says which one it was.
    logger.warn('store.redis.unavailable', { ...describeError(error), errorClass: (error as object | undefined)?.constructor?.name });
  });
  client.on('ready', () => {
    if (healthy) return;
    healthy = true;
    logger.info('store.redis.available');
  });

  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw new StoreUnavailableError(error);
  }
  connected = true;

  const adapterFactory = createRedisAdapterFactory(client, options.prefix, clock);
  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    if (!client.isOpen) {
      client.destroy();
      return;
    }
    // close() lets in-flight commands finish; a Redis that stopped answering must not hold it up.
    const timer = setTimeout(() => client.destroy(), CLOSE_TIMEOUT_MS);
    try {
      await client.close();
    } finally {
      clearTimeout(timer);
    }
  };

  const guarded = <T extends object>(part: T): T => withDeadline(withRedisErrors(part), timeoutMs);
  const grants = guarded({ revokeGrantsOf: (accountId: string) => revokeAccountGrants(client, options.prefix, accountId) });

  return {
    kind: 'redis',
    adapterFactory: (model) => guarded(adapterFactory(model)),
    revokeGrantsOf: grants.revokeGrantsOf,
    accounts: guarded(createRedisAccounts(client, options.prefix)),
    counters: guarded(createRedisCounters(client, options.prefix, clock)),
    mfa: guarded(createRedisMfa(client, options.prefix)),
    transient: guarded(createRedisTransient(client, options.prefix, clock)),
    trustedDevices: guarded(createRedisTrustedDevices(client, options.prefix, clock)),
    grants: guarded(createRedisAccountGrants(client, options.prefix, clock)),
    passwordResets: guarded(createRedisPasswordResets(client, options.prefix, clock)),
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
        const [aof, rdb] = await Promise.all([client.configGet('appendonly'), client.configGet('save')]);
        return aof.appendonly === 'yes' || (rdb.save ?? '').trim() !== '' ? 'persistent' : 'ephemeral';
      } catch {
        return 'unknown';
      }
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
