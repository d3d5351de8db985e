import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { systemClock, type Clock } from '../../clock.ts';
import { StoreUnavailableError, type Store } from '../store.ts';
import { migrate } from './migrations.ts';
import { createSqliteAdapterFactory } from './sqlite-adapter.ts';
import { createSqliteAccounts } from './sqlite-accounts.ts';
import { createSqliteCounters } from './sqlite-counters.ts';
import { createSqliteGrantRevoker, inTransaction } from './sqlite-grants.ts';
import { createSqliteMfa } from './sqlite-mfa.ts';
import { createSqliteTransient } from './sqlite-transient.ts';
import { createSqliteTrustedDevices } from './sqlite-trusted-devices.ts';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for tests. */
  file: string;
  clock?: Clock;
  /** How often expired rows are swept; 0 turns the sweeper off. */
  sweepIntervalMs?: number;
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
  const db = new DatabaseSync(options.file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  migrate(db);

  // Bounded batches, each its own short statement, so a large backlog never stalls the event loop.
  const SWEEP_BATCH = 500;
  const sweepers = [
    db.prepare(`DELETE FROM oidc_model WHERE rowid IN (SELECT rowid FROM oidc_model WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ${SWEEP_BATCH})`),
    db.prepare(`DELETE FROM counter WHERE rowid IN (SELECT rowid FROM counter WHERE reset_at <= ? LIMIT ${SWEEP_BATCH})`),
    db.prepare(`DELETE FROM transient WHERE rowid IN (SELECT rowid FROM transient WHERE expires_at <= ? LIMIT ${SWEEP_BATCH})`),
    db.prepare(`DELETE FROM trusted_device WHERE rowid IN (SELECT rowid FROM trusted_device WHERE expires_at <= ? LIMIT ${SWEEP_BATCH})`),
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
  return {
    kind: 'sqlite',
    adapterFactory: createSqliteAdapterFactory(db, clock),
    accounts: createSqliteAccounts(db, revokeGrantsOf),
    counters: createSqliteCounters(db, clock),
    mfa: createSqliteMfa(db, revokeGrantsOf),
    transient: createSqliteTransient(db, clock),
    trustedDevices: createSqliteTrustedDevices(db, clock),
    async revokeGrantsOf(accountId) {
      inTransaction(db, () => revokeGrantsOf(accountId));
    },
    async ping() {
      if (!open) throw new StoreUnavailableError(new Error('the SQLite store is closed'));
      db.prepare('SELECT 1').get();
    },
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
