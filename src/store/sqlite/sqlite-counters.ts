import type { DatabaseSync } from 'node:sqlite';
import type { Clock } from '../../clock.ts';
import type { CounterStep, CounterStore } from '../../guard/counter-store.ts';
import { inTransaction } from './sqlite-grants.ts';

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

  const incrementNow = (key: string, windowSeconds: number, now: number) => (increment.get(key, now + windowSeconds * 1000, now, now) as { count: number }).count;
  const getNow = (key: string, now: number) => (get.get(key, now) as { count: number } | undefined)?.count ?? 0;
  const endsAtNow = (key: string, now: number) => (endsAt.get(key, now) as { reset_at: number } | undefined)?.reset_at;
  const step = (counterStep: CounterStep, now: number): number => {
    if ('get' in counterStep) return getNow(counterStep.get, now);
    if ('endsAt' in counterStep) return endsAtNow(counterStep.endsAt, now) ?? 0;
    if ('increment' in counterStep) return incrementNow(counterStep.increment, counterStep.windowSeconds, now);
    reset.run(counterStep.reset);
    return 0;
  };

  return {
    async increment(key, windowSeconds) {
      return incrementNow(key, windowSeconds, clock());
    },
    async get(key) {
      return getNow(key, clock());
    },
    async windowEndsAt(key) {
      return endsAtNow(key, clock());
    },
    async reset(key) {
      reset.run(key);
    },
    async batch(steps) {
      const now = clock();
      const run = () => {
        const counts: number[] = [];
        for (const counterStep of steps) {
          const count = step(counterStep, now);
          counts.push(count);
          if ('stopAbove' in counterStep && counterStep.stopAbove !== undefined && count > counterStep.stopAbove) break;
        }
        return counts;
      };
      // Statements here are synchronous, so nothing else on this connection runs between them;
      // the transaction keeps another process on the same file out too (a snapshot when only reading).
      if (steps.every((counterStep) => 'get' in counterStep || 'endsAt' in counterStep)) {
        db.exec('BEGIN');
        try {
          return run();
        } finally {
          db.exec('COMMIT');
        }
      }
      return inTransaction(db, run);
    },
  };
}
