import type { DatabaseSync } from 'node:sqlite';
import type { Clock } from '../../clock.ts';
import type { PasswordResetStore, ResetLinkRecord } from '../../accounts/password-reset-store.ts';

interface Row {
  account_id: string;
  password_fingerprint: string;
  expires_at: number;
}

const toRecord = (row: Row): ResetLinkRecord => ({ accountId: row.account_id, passwordFingerprint: row.password_fingerprint, expiresAt: row.expires_at });

/** Reset links in one table; a take is one DELETE … RETURNING, so two takes cannot both get the row. */
export function createSqlitePasswordResets(db: DatabaseSync, clock: Clock): PasswordResetStore {
  const insert = db.prepare(`INSERT INTO password_reset (token_hash, account_id, password_fingerprint, expires_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (token_hash) DO UPDATE SET account_id = excluded.account_id, password_fingerprint = excluded.password_fingerprint, expires_at = excluded.expires_at`);
  const find = db.prepare('SELECT account_id, password_fingerprint, expires_at FROM password_reset WHERE token_hash = ? AND expires_at > ?');
  const take = db.prepare('DELETE FROM password_reset WHERE token_hash = ? RETURNING account_id, password_fingerprint, expires_at');
  const revokeAll = db.prepare('DELETE FROM password_reset WHERE account_id = ?');
  return {
    async save(tokenHash, record) {
      insert.run(tokenHash, record.accountId, record.passwordFingerprint, record.expiresAt);
    },
    async find(tokenHash) {
      const row = find.get(tokenHash, clock()) as Row | undefined;
      return row && toRecord(row);
    },
    async take(tokenHash) {
      const row = take.get(tokenHash) as Row | undefined;
      return row && row.expires_at > clock() ? toRecord(row) : undefined;
    },
    async revokeAllOf(accountId) {
      return Number(revokeAll.run(accountId).changes);
    },
  };
}
