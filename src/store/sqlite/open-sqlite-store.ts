import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { systemClock, type Clock } from '../../clock.ts';
import { StoreUnavailableError, type Store } from '../store.ts';
import { migrate } from './migrations.ts';
import { createSqliteAdapterFactory } from './sqlite-adapter.ts';
import { createSqliteAccounts } from './sqlite-accounts.ts';
import { createSqliteAccountGrants } from './sqlite-account-grants.ts';
import { createSqliteCounters } from './sqlite-counters.ts';
import { createSqliteGrantRevoker, inTransaction } from './sqlite-grants.ts';
import { createSqliteMfa } from './sqlite-mfa.ts';
import { createSqliteTransient } from './sqlite-transient.ts';
import { createSqlitePasswordResets } from './sqlite-password-resets.ts';
import { createSqliteTrustedDevices } from './sqlite-trusted-devices.ts';
import { toSqliteStoreError, withSqliteErrors } from './sqlite-errors.ts';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for tests. */
  file: string;
  clock?: Clock;
  /** How often expired rows are swept; 0 turns the sweeper off. */
  sweepIntervalMs?: number;
  /** How long a call waits for another connection's lock before failing as "store unavailable" (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Opens and migrates the file. A file that cannot be opened, or stays locked by another process
 * past busy_timeout, fails start-up as StoreUnavailableError (the store did not answer); a
 * failing migration is a bug and fails as itself.
 */
function openDatabase(file: string, busyTimeoutMs: number): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file);
    db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}; PRAGMA foreign_keys = ON;`);
    migrate(db);
    return db;
  } catch (error) {
    if (db?.isOpen) db.close();
    throw toSqliteStoreError(error);
  }
}

/** The embedded default: one SQLite file, WAL so readers never wait for the writer. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const clock = options.clock ?? systemClock;
  if (options.file !== ':memory:') {
    mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
    // Create the file owner-only before SQLite opens it: it holds password hashes, and SQLite
    // gives its -wal and -shm files the database file's permissions.
    closeSync(openSync(options.file, 'a', 0o600));
  }
  const db = openDatabase(options.file, options.busyTimeoutMs ?? 5000);

  // Bounded batches, each its own short statement, so a large backlog never stalls the event loop.
  const SWEEP_BATCH = 500;
  const sweepers = [
    db.prepare(`DELETE FROM oidc_model WHERE rowid IN (SELECT rowid FROM oidc_model WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ${SWEEP_BATCH})`),
    db.prepare(`DELETE FROM counter WHERE rowid IN (SELECT rowid FROM counter WHERE reset_at <= ? LIMIT ${SWEEP_BATCH})`),
    db.prepare(`DELETE FROM transient WHERE rowid IN (SELECT rowid FROM transient WHERE expires_at <= ? LIMIT ${SWEEP_BATCH})`),
    db.prepare(`DELETE FROM trusted_device WHERE rowid IN (SELECT rowid FROM trusted_device WHERE expires_at <= ? LIMIT ${SWEEP_BATCH})`),
    db.prepare(`DELETE FROM password_reset WHERE rowid IN (SELECT rowid FROM password_reset WHERE expires_at <= ? LIMIT ${SWEEP_BATCH})`),
  ];
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      const now = clock();
      for (const statement of sweepers) {
        while (open && statement.run(now).changes === SWEEP_BATCH) await new Promise((resolve) => setImmediate(resolve));
      }
    } catch {
      // A busy or closing database: expired rows are invisible to reads anyway; the next sweep retries.
    } finally {
      sweeping = false;
    }
  };
  let open = true;
  void sweep();
  const interval = options.sweepIntervalMs ?? 60_000;
  const timer = interval > 0 ? setInterval(() => void sweep(), interval) : undefined;
  timer?.unref();

  const revokeGrantsOf = createSqliteGrantRevoker(db);
  const adapterFactory = createSqliteAdapterFactory(db, clock);
  const accounts = createSqliteAccounts(db, revokeGrantsOf);
  const mfa = createSqliteMfa(db, revokeGrantsOf);
  // The store's boundary: a busy lock, a disk error or a closed database leaves as
  // StoreUnavailableError (503), like Redis's connection errors; a bug leaves as itself.
  const storeWide = withSqliteErrors({
    async revokeGrantsOf(accountId: string) {
      inTransaction(db, () => revokeGrantsOf(accountId));
    },
    async ping() {
      if (!open) throw new StoreUnavailableError(new Error('the SQLite store is closed'));
      db.prepare('SELECT 1').get();
    },
  });
  return {
    kind: 'sqlite',
    adapterFactory: (model) => withSqliteErrors(adapterFactory(model)),
    accounts: withSqliteErrors(accounts),
    counters: withSqliteErrors(createSqliteCounters(db, clock)),
    mfa: withSqliteErrors(mfa),
    // Two point reads in the same turn: nothing of this process writes between them.
    accountStates: withSqliteErrors({
      async read(accountId: string) {
        const [account, record] = await Promise.all([accounts.findById(accountId), mfa.get(accountId)]);
        return { account, mfa: record };
      },
    }),
    transient: withSqliteErrors(createSqliteTransient(db, clock)),
    trustedDevices: withSqliteErrors(createSqliteTrustedDevices(db, clock)),
    grants: withSqliteErrors(createSqliteAccountGrants(db, clock)),
    passwordResets: withSqliteErrors(createSqlitePasswordResets(db, clock)),
    revokeGrantsOf: storeWide.revokeGrantsOf,
    ping: storeWide.ping,
    async persistence() {
      return options.file === ':memory:' ? 'ephemeral' : 'persistent';
    },
    async close() {
      if (!open) return;
      open = false;
      clearInterval(timer);
      db.close();
    },
  };
}
