import {
  ClientClosedError, ClientOfflineError, ConnectionTimeoutError, DisconnectsClientError, MaxCommandRedirectionsError,
  ReconnectStrategyError, RootNodesUnavailableError, SocketClosedUnexpectedlyError, SocketTimeoutError, TimeoutError,
} from 'redis';
import { StoreUnavailableError } from '../store.ts';
import { withStoreErrors } from '../store-errors.ts';

const CONNECTION_ERRORS = [
  ClientClosedError, ClientOfflineError, ConnectionTimeoutError, DisconnectsClientError, ReconnectStrategyError,
  // TimeoutError: a command past node-redis's own timeout (not set by us: redis-connection.ts), i.e. Redis stalled.
  SocketClosedUnexpectedlyError, SocketTimeoutError, TimeoutError,
  // A Cluster whose slot map no node would give (RootNodesUnavailableError), or whose slots kept
  // moving past node-redis's limit of redirections for one command (16) during a resharding: it
  // cannot serve this call now, and a later one finds the slots settled.
  RootNodesUnavailableError, MaxCommandRedirectionsError,
];
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);
/**
 * Error replies during a failover or restart: Redis is there but cannot serve yet. A WAIT that
 * reaches a primary just demoted to replica is refused with "ERR WAIT cannot be used with
 * replica instances…": the same moment of a failover.
 */
const NOT_SERVING_REPLY = /^(LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|OOM) |^ERR WAIT cannot be used with replica/;

/**
 * node-redis's errors keep the default `name` ('Error'), so callers cannot tell "Redis is
 * down" from a bug by name. Connection failures become StoreUnavailableError (pages answer
 * 503), and so do the error replies of a Redis that is loading or failing over; anything else
 * (a script error, any other error reply) is passed through untouched.
 */
export function toRedisStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (CONNECTION_ERRORS.some((type) => error instanceof type)) return new StoreUnavailableError(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return new StoreUnavailableError(error);
  const message = (error as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && NOT_SERVING_REPLY.test(message)) return new StoreUnavailableError(error);
  return error;
}

/** The same object with every method's Redis failures translated (see toRedisStoreError). */
export function withRedisErrors<T extends object>(target: T): T {
  return withStoreErrors(target, toRedisStoreError);
}
