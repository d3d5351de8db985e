import type { DatabaseSync } from 'node:sqlite';
import type { Clock } from '../../clock.ts';
import type { CounterStore } from '../../guard/counter-store.ts';

export function createSqliteCounters(db: DatabaseSync, clock: Clock): CounterStore {
  // One statement, so two processes on the same file cannot both read the old count.
  const increment = db.prepare(`INSERT INTO counter (key, count, reset_at) VALUES (?, 1, ?)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN counter.reset_at <= ? THEN 1 ELSE counter.count + 1 END,
      reset_at = CASE WHEN counter.reset_at <= ? THEN excluded.reset_at ELSE counter.reset_at END
    RETURNING count`);
  const get = db.prepare('SELECT count FROM counter WHERE key = ? AND reset_at > ?');
  const endsAt = db.prepare('SELECT reset_at FROM counter WHERE key = ? AND reset_at > ?');
  const reset = db.prepare('DELETE FROM counter WHERE key = ?');

  return {
    async increment(key, windowSeconds) {
      const now = clock();
      const row = increment.get(key, now + windowSeconds * 1000, now, now) as { count: number };
      return row.count;
    },
    async get(key) {
      const row = get.get(key, clock()) as { count: number } | undefined;
      return row?.count ?? 0;
    },
    async windowEndsAt(key) {
      const row = endsAt.get(key, clock()) as { reset_at: number } | undefined;
      return row?.reset_at;
    },
    async reset(key) {
      reset.run(key);
    },
  };
}
