import {
  ClientClosedError, ClientOfflineError, ConnectionTimeoutError, DisconnectsClientError, ReconnectStrategyError,
  SocketClosedUnexpectedlyError, SocketTimeoutError, TimeoutError,
} from 'redis';
import { StoreUnavailableError } from '../store.ts';

const CONNECTION_ERRORS = [
  ClientClosedError, ClientOfflineError, ConnectionTimeoutError, DisconnectsClientError, ReconnectStrategyError,
  // TimeoutError: a command past its deadline (commandOptions.timeout), i.e. Redis stalled.
  SocketClosedUnexpectedlyError, SocketTimeoutError, TimeoutError,
];
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

/**
 * node-redis's errors keep the default `name` ('Error'), so callers cannot tell "Redis is
 * down" from a bug by name. Connection failures become StoreUnavailableError (pages answer
 * 503); anything else (a script error, a Redis error reply) is passed through untouched.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (CONNECTION_ERRORS.some((type) => error instanceof type)) return new StoreUnavailableError(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return new StoreUnavailableError(error);
  return error;
}

/** The same object with every method's failures passed through toStoreError. */
export function withStoreErrors<T extends object>(target: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] = typeof value !== 'function' ? value : async (...args: unknown[]) => {
      try {
        return await (value as (...args: unknown[]) => Promise<unknown>).apply(target, args);
      } catch (error) {
        throw toStoreError(error);
      }
    };
  }
  return wrapped as T;
}
