import { createClient, createCluster, createSentinel } from 'redis';
import { describeError, type Logger } from '../../log.ts';
import { StoreUnavailableError } from '../store.ts';
import type { RedisClient } from './redis-script.ts';
import { clusterClient } from './cluster/cluster-client.ts';

/**
 * Where Redis is: one server (REDIS_URL), the sentinels that name the current primary
 * (REDIS_SENTINEL_URLS), or some nodes of a Redis Cluster, from which the rest is found (REDIS_CLUSTER_URLS).
 */
export type RedisTarget = { url: string } | { sentinel: { urls: string[]; name: string } } | { cluster: { urls: string[] } };

/** The commands the store sends, and how to let go of the connection behind them. */
export interface RedisConnection {
  readonly client: RedisClient;
  /**
   * Rises each time the connection fails or a new one is made: when it changed between a write
   * and its WAIT, the two may have gone over different sockets (a WAIT on a new connection counts
   * none of the old one's writes), so the write cannot be called replicated (replica-wait.ts).
   */
  generation(): number;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;
const CLOSE_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
/** The port a sentinel listens on unless told otherwise (redis.io, "High availability with Redis Sentinel"). */
const SENTINEL_PORT = 26379;
/** Redis's own port, for a cluster node's URL that names none. */
const REDIS_PORT = 6379;

/** Connection problems are logged once per outage, not once per retry; the message never carries a URL. */
function outageLog(logger: Logger) {
  let healthy = true;
  return {
    failed(error: unknown) {
      if (!healthy) return;
      healthy = false;
      // node-redis errors all have the name 'Error'; the class says which one it was.
      logger.warn('store.redis.unavailable', { ...describeError(error), errorClass: (error as object | undefined)?.constructor?.name });
    },
    recovered() {
      if (healthy) return;
      healthy = true;
      logger.info('store.redis.available');
    },
  };
}

interface Closable {
  readonly isOpen: boolean;
  close(): Promise<void>;
  destroy(): void | Promise<void>;
}

/** close() lets in-flight commands finish; a Redis that stopped answering must not hold it up. */
async function closeWithin(connection: Closable): Promise<void> {
  if (!connection.isOpen) {
    await connection.destroy();
    return;
  }
  const timer = setTimeout(() => void connection.destroy(), CLOSE_TIMEOUT_MS);
  try {
    await connection.close();
  } finally {
    clearTimeout(timer);
  }
}

type EventSource = { on(event: string, listener: (...args: unknown[]) => void): unknown };

/**
 * The first connection of a client (single or Sentinel), watched: its outages logged once each,
 * its failures and (re)connections counted (RedisConnection.generation). A first connection that
 * fails is a StoreUnavailableError, and the client is let go.
 */
async function connectWatched(client: Closable & EventSource & { connect(): Promise<unknown> }, logger: Logger): Promise<Omit<RedisConnection, 'client'>> {
  const outage = outageLog(logger);
  // Without an 'error' listener node-redis's EventEmitter would throw and crash the process.
  client.on('error', (error) => outage.failed(error));
  client.on('ready', () => outage.recovered());
  let generation = 0;
  for (const event of ['error', 'ready', 'end', 'topology-change']) client.on(event, () => { generation += 1; });
  try {
    await client.connect();
  } catch (error) {
    await Promise.resolve(client.destroy()).catch(() => undefined);
    throw new StoreUnavailableError(error);
  }
  return { generation: () => generation, close: () => closeWithin(client) };
}

/*
 * NO_COMMAND_TIMEOUT. node-redis's per-command timeout is turned off (`commandOptions.timeout: 0`;
 * left unset, node-redis 6 applies its own DEFAULT_COMMAND_TIMEOUT of 5 s): every store call
 * already has its deadline (store-deadline.ts, STORE_TIMEOUT_MS), which fails it as "store
 * unavailable". node-redis's timeout only covers a command still waiting to be written to the
 * socket (its listener is removed once written), yet it makes one AbortSignal.timeout per command
 * whose timer runs its full length, answered or not, and builds a DOMException when it fires: about
 * 2 % of the server's main thread under load on Redis (a CPU profile of `npm run bench`). A command
 * sent to a stalled Redis still reaches it once it answers again, with that timeout or without: it
 * drops only commands never written.
 */
const NO_COMMAND_TIMEOUT = { timeout: 0 };

/**
 * Opens the connection the store sends its commands through: one client, or node-redis's own
 * Sentinel client, which asks the sentinels for the primary, follows a failover (the sentinels'
 * `switch-master`, or a READONLY reply from a demoted primary) and re-sends a command that met
 * one. Both answer the same commands (RedisClient), so every store module has one code path.
 * Rejects with StoreUnavailableError when the first connection fails, so a wrong address shows at
 * start-up; later outages are retried forever in the background.
 */
export async function openRedisConnection(target: RedisTarget, options: { logger: Logger }): Promise<RedisConnection> {
  if ('url' in target) return openSingle(target.url, options);
  return 'sentinel' in target ? openSentinel(target.sentinel, options) : openCluster(target.cluster, options);
}

async function openSingle(url: string, { logger }: { logger: Logger }): Promise<RedisConnection> {
  let connected = false;
  const client = createClient({
    url,
    // No offline queue: while disconnected every command fails at once (503) instead of hanging.
    // No per-command timeout either: see NO_COMMAND_TIMEOUT.
    disableOfflineQueue: true,
    commandOptions: NO_COMMAND_TIMEOUT,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // false stops retrying, so only the very first connection gives up; later outages back
      // off (with jitter, so instances do not reconnect in lockstep) and retry forever.
      reconnectStrategy: (retries) => connected
        ? Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100)
        : false,
    },
  });
  const watched = await connectWatched(client as never, logger);
  connected = true;
  return { client, ...watched };
}

/** A node's address and credentials from its redis:// URL (a sentinel's, or a cluster node's). */
function nodeOf(url: string, defaultPort: number) {
  const parsed = new URL(url);
  return {
    node: { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || defaultPort) },
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    tls: parsed.protocol === 'rediss:',
  };
}

async function openSentinel(sentinel: { urls: string[]; name: string }, { logger }: { logger: Logger }): Promise<RedisConnection> {
  const nodes = sentinel.urls.map((url) => nodeOf(url, SENTINEL_PORT));
  // The first URL's credentials and TLS are used for the sentinels and the servers they name:
  // one deployment, one set of settings.
  const { username, password, tls } = nodes[0]!;
  const clientOptions = {
    username,
    password,
    disableOfflineQueue: true,
    commandOptions: NO_COMMAND_TIMEOUT,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, ...(tls ? { tls: true as const } : {}) },
  };
  const client = createSentinel({
    name: sentinel.name,
    sentinelRootNodes: nodes.map(({ node }) => node),
    nodeClientOptions: clientOptions,
    sentinelClientOptions: clientOptions,
    // One connection to the primary: a WAIT (REDIS_WAIT_REPLICAS) then follows the writes it
    // must cover on the same connection (WAIT counts the writes of its own connection).
    masterPoolSize: 1,
    // Every node client's errors reach the one listener below.
    passthroughClientErrorEvents: true,
  });
  return { client, ...(await connectWatched(client as never, logger)) };
}

/**
 * node-redis's cluster client: it learns the slot map from the seed nodes, sends each command to
 * the primary of its key's slot, and follows MOVED and ASK when slots move (a resharding, a
 * failover); cluster/cluster-client.ts adds what it leaves to us. As with one Redis, no offline
 * queue: a node that is down fails its commands at once (503). The first URL's credentials and
 * TLS serve every node (one deployment, one set of settings).
 */
async function openCluster(cluster: { urls: string[] }, { logger }: { logger: Logger }): Promise<RedisConnection> {
  const nodes = cluster.urls.map((url) => nodeOf(url, REDIS_PORT));
  const { username, password, tls } = nodes[0]!;
  const client = createCluster({
    rootNodes: nodes.map(({ node }) => ({ socket: { ...node, connectTimeout: CONNECT_TIMEOUT_MS, ...(tls ? { tls: true as const } : {}) } })),
    // Sent with every command to whichever node: see NO_COMMAND_TIMEOUT.
    commandOptions: NO_COMMAND_TIMEOUT,
    defaults: {
      username,
      password,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        ...(tls ? { tls: true as const } : {}),
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100),
      },
    },
  });
  return { client: clusterClient(client as never), ...(await connectWatched(client as never, logger)) };
}
