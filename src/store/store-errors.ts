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
    if (code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|SQLITE_BUSY|ERR_SQLITE_ERROR)$/.test(code) && /closed|busy|connect|refused|reset/i.test(`${code} ${message}`)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
