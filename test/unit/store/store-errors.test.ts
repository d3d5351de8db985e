import { DatabaseSync } from 'node:sqlite';
import { ClientClosedError, MaxCommandRedirectionsError, RootNodesUnavailableError, SocketClosedUnexpectedlyError } from 'redis';
import { toRedisStoreError } from '../../../src/store/redis/redis-errors.ts';
import { toSqliteStoreError, withSqliteErrors } from '../../../src/store/sqlite/sqlite-errors.ts';
import { isStoreUnavailable } from '../../../src/store/store-errors.ts';
import { StoreUnavailableError } from '../../../src/store/store.ts';

/** What node:sqlite throws for `sql` on `db`. */
function thrownBy(db: DatabaseSync, sql: string): unknown {
  try {
    db.exec(sql);
  } catch (error) {
    return error;
  }
  throw new Error(`${sql} did not throw`);
}

describe('each store translates its own failures; programming errors pass through', () => {
  test('SQLite: a closed database and a busy lock become StoreUnavailableError', () => {
    const closed = new DatabaseSync(':memory:');
    closed.close();
    expect(toSqliteStoreError(thrownBy(closed, 'SELECT 1'))).toBeInstanceOf(StoreUnavailableError);
    const busy = Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR', errcode: 5 });
    expect(toSqliteStoreError(busy)).toBeInstanceOf(StoreUnavailableError);
    const ioWrite = Object.assign(new Error('disk I/O error'), { code: 'ERR_SQLITE_ERROR', errcode: 778 });
    expect(toSqliteStoreError(ioWrite)).toBeInstanceOf(StoreUnavailableError);
  });

  test('SQLite: a syntax error and a constraint failure are passed through untouched', () => {
    const db = new DatabaseSync(':memory:');
    const syntax = thrownBy(db, 'SELEC 1');
    expect(toSqliteStoreError(syntax)).toBe(syntax);
    db.exec('CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1)');
    const constraint = thrownBy(db, 'INSERT INTO t VALUES (1)');
    expect(toSqliteStoreError(constraint)).toBe(constraint);
    db.close();
  });

  test('SQLite: wrapped ports reject with the translated error', async () => {
    const db = new DatabaseSync(':memory:');
    const port = withSqliteErrors({ async read() { return db.prepare('SELECT 1 AS one').get(); } });
    await expect(port.read()).resolves.toEqual({ one: 1 });
    db.close();
    await expect(port.read()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  test('Redis: connection errors and a loading Redis become StoreUnavailableError; a script error passes through', () => {
    expect(toRedisStoreError(new ClientClosedError())).toBeInstanceOf(StoreUnavailableError);
    expect(toRedisStoreError(new SocketClosedUnexpectedlyError())).toBeInstanceOf(StoreUnavailableError);
    // A Cluster during a resharding: no slot map, or slots still moving after 16 redirections.
    expect(toRedisStoreError(new RootNodesUnavailableError())).toBeInstanceOf(StoreUnavailableError);
    expect(toRedisStoreError(new MaxCommandRedirectionsError(new Error('MOVED 866 127.0.0.1:7001')))).toBeInstanceOf(StoreUnavailableError);
    expect(toRedisStoreError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeInstanceOf(StoreUnavailableError);
    expect(toRedisStoreError(new Error('LOADING Redis is loading the dataset in memory'))).toBeInstanceOf(StoreUnavailableError);
    expect(toRedisStoreError(new Error('ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.'))).toBeInstanceOf(StoreUnavailableError);
    const script = new Error('ERR Error running script');
    expect(toRedisStoreError(script)).toBe(script);
  });

  test('isStoreUnavailable follows the cause chain (oidc-provider may wrap), and nothing else counts', () => {
    const wrapped = new Error('outer', { cause: new StoreUnavailableError(new Error('down')) });
    expect(isStoreUnavailable(wrapped)).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });
});
