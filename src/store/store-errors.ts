import { StoreUnavailableError } from './store.ts';

/**
 * True for failures that mean "the store did not answer" rather than a bug: our own
 * StoreUnavailableError, node-redis connection errors, and SQLite busy/closed errors.
 * oidc-provider may wrap the original, so the cause chain is followed.
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof StoreUnavailableError) return true;
    const { name: ownName, code, message } = current as { name?: string; code?: string; message?: string };
    // node-redis v6 errors keep name 'Error'; their class name says what happened.
    const className = (current as { constructor?: { name?: string } }).constructor?.name;
    const name = ownName && ownName !== 'Error' ? ownName : className;
    if (name && /^(ClientClosedError|ClientOfflineError|ConnectionTimeoutError|SocketClosedUnexpectedlyError|ReconnectStrategyError)$/.test(name)) return true;
    if (code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/.test(code)) return true;
    // node:sqlite: busy or locked past busy_timeout, or the database already closed.
    if (code === 'ERR_SQLITE_ERROR' && /database is (locked|busy)|database table is locked/i.test(message ?? '')) return true;
    if (code === 'ERR_INVALID_STATE' && /database is not open|finalized/i.test(message ?? '')) return true;
    // Redis error replies during failover or restart: the store is there but cannot serve yet.
    if (/^(LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|OOM) /.test(message ?? '')) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
