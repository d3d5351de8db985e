import type { DatabaseSync } from 'node:sqlite';
import type { AccountRecord, AccountStore } from '../../accounts/account-store.ts';
import { inTransaction, type RevokeGrantsOf } from './sqlite-grants.ts';
import { emailSkeleton } from '../../accounts/email-skeleton.ts';

interface AccountRow {
  id: string;
  email: string;
  email_verified: number;
  name: string;
  password_hash: string;
  created_at: number;
  credentials_changed_at: number;
}

function toRecord(row: unknown): AccountRecord | undefined {
  if (!row) return undefined;
  const r = row as AccountRow;
  return {
    id: r.id,
    email: r.email,
    emailVerified: r.email_verified === 1,
    name: r.name,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    credentialsChangedAt: r.credentials_changed_at,
  };
}

/** Accounts made before the skeleton column get theirs computed once, at start-up. */
function fillMissingSkeletons(db: DatabaseSync): void {
  const missing = db.prepare('SELECT id, email FROM account WHERE email_skeleton IS NULL').all() as { id: string; email: string }[];
  const fill = db.prepare('UPDATE account SET email_skeleton = ? WHERE id = ?');
  for (const row of missing) fill.run(emailSkeleton(row.email), row.id);
}

/**
 * A password change and a removal end the account's sessions: its grants, codes and tokens are
 * deleted in the same transaction (`revokeGrantsOf`, sqlite-grants.ts).
 */
export function createSqliteAccounts(db: DatabaseSync, revokeGrantsOf: RevokeGrantsOf): AccountStore {
  fillMissingSkeletons(db);
  // One statement: the look-alike check and the insert cannot be split by another writer.
  const insert = db.prepare(`INSERT INTO account (id, email, email_verified, name, password_hash, created_at, credentials_changed_at, email_skeleton)
    SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM account WHERE email_skeleton = ?)
    ON CONFLICT DO NOTHING`);
  const byId = db.prepare('SELECT * FROM account WHERE id = ?');
  const byEmail = db.prepare('SELECT * FROM account WHERE email = ?');
  const all = db.prepare('SELECT * FROM account ORDER BY email');
  const remove = db.prepare('DELETE FROM account WHERE id = ?');
  const setPassword = db.prepare('UPDATE account SET password_hash = ?, credentials_changed_at = ? WHERE id = ?');

  return {
    async create(record) {
      const skeleton = emailSkeleton(record.email);
      const result = insert.run(record.id, record.email, record.emailVerified ? 1 : 0, record.name,
        record.passwordHash, record.createdAt, record.credentialsChangedAt, skeleton, skeleton);
      if (result.changes === 1) return 'created';
      // Same email (or id) first: its skeleton is the same too.
      return byEmail.get(record.email) || byId.get(record.id) ? 'email-taken' : 'look-alike';
    },
    async findById(id) {
      return toRecord(byId.get(id));
    },
    async findByEmail(email) {
      return toRecord(byEmail.get(email));
    },
    async list() {
      return all.all().map((row) => toRecord(row)!);
    },
    async remove(id) {
      return inTransaction(db, () => {
        if (remove.run(id).changes !== 1) return false;
        revokeGrantsOf(id);
        return true;
      });
    },
    async updatePassword(id, passwordHash, changedAt) {
      return inTransaction(db, () => {
        if (setPassword.run(passwordHash, changedAt, id).changes !== 1) return false;
        revokeGrantsOf(id);
        return true;
      });
    },
  };
}
