import type { DatabaseSync } from 'node:sqlite';
import type { Clock } from '../../clock.ts';
import type { TransientStore } from '../../mfa/mfa-store.ts';

export function createSqliteTransient(db: DatabaseSync, clock: Clock): TransientStore {
  const set = db.prepare(`INSERT INTO transient (key, value, expires_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`);
  // The upsert's WHERE lets a claim replace only an expired value: changes is then 1, else 0.
  const claim = db.prepare(`INSERT INTO transient (key, value, expires_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE transient.expires_at <= ?`);
  const get = db.prepare('SELECT value FROM transient WHERE key = ? AND expires_at > ?');
  const remove = db.prepare('DELETE FROM transient WHERE key = ?');
  const take = db.prepare('DELETE FROM transient WHERE key = ? RETURNING value, expires_at');
  return {
    async set(key, value, ttlSeconds) {
      set.run(key, value, clock() + ttlSeconds * 1000);
    },
    async claim(key, value, ttlSeconds) {
      const now = clock();
      return Number(claim.run(key, value, now + ttlSeconds * 1000, now).changes) === 1;
    },
    async get(key) {
      return (get.get(key, clock()) as { value: string } | undefined)?.value;
    },
    async take(key) {
      const row = take.get(key) as { value: string; expires_at: number } | undefined;
      return row && row.expires_at > clock() ? row.value : undefined;
    },
    async delete(key) {
      remove.run(key);
    },
  };
}
