import { StoreUnavailableError } from '../store.ts';
import { withStoreErrors } from '../store-errors.ts';

/**
 * SQLite's primary result codes that mean "the database cannot serve now", not "the statement is
 * wrong": another connection holds the lock past busy_timeout (BUSY, LOCKED), the disk failed
 * (IOERR) or is full (FULL), or the file cannot be opened (CANTOPEN). Extended codes carry the
 * primary one in their low byte (SQLITE_IOERR_WRITE is 778 = 10 + 3·256).
 */
const UNAVAILABLE_RESULT_CODES = new Set([
  5, // SQLITE_BUSY
  6, // SQLITE_LOCKED
  10, // SQLITE_IOERR
  13, // SQLITE_FULL
  14, // SQLITE_CANTOPEN
]);

/**
 * node:sqlite's errors all carry name 'Error'. "Unavailable" ones become StoreUnavailableError
 * (pages answer 503): the codes above, and a database already closed (the store is shutting
 * down). Everything else (a syntax error, a constraint, a bad binding) is a bug or a case the
 * caller handles, and passes through untouched.
 */
export function toSqliteStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const { code, errcode, message } = (error ?? {}) as { code?: unknown; errcode?: unknown; message?: unknown };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && UNAVAILABLE_RESULT_CODES.has(errcode & 0xff)) {
    return new StoreUnavailableError(error);
  }
  // A closed DatabaseSync refuses new statements ("database is not open") and finalizes its
  // prepared ones ("statement has been finalized").
  if (code === 'ERR_INVALID_STATE' && typeof message === 'string' && /database is not open|statement has been finalized/.test(message)) {
    return new StoreUnavailableError(error);
  }
  return error;
}

/** The same object with every method's SQLite failures translated (see toSqliteStoreError). */
export function withSqliteErrors<T extends object>(target: T): T {
  return withStoreErrors(target, toSqliteStoreError);
}
