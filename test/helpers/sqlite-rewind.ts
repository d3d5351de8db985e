import { DatabaseSync } from 'node:sqlite';

/**
 * What each migration (src/store/sqlite/migrations.ts) added, taken away again: upgrade tests
 * rewind a store file to an earlier version, write what that version wrote, and reopen it. A new
 * migration adds its line here.
 */
const UNDO: Record<number, string> = {
  4: 'DROP TABLE trusted_device; ALTER TABLE mfa DROP COLUMN epoch; ALTER TABLE mfa DROP COLUMN sessions_valid_after;',
  5: 'DROP INDEX oidc_model_account; ALTER TABLE oidc_model DROP COLUMN account_id;',
  6: 'ALTER TABLE mfa DROP COLUMN method_set_up;',
  7: 'DROP INDEX account_email_skeleton; ALTER TABLE account DROP COLUMN email_skeleton;',
  8: 'DROP TABLE mfa_credential;',
  9: `DROP INDEX mfa_credential_passkey;
    ${['id', 'public_key', 'counter', 'transports', 'backup_eligible', 'backup_state', 'name'].map((column) => `ALTER TABLE mfa_credential DROP COLUMN passkey_${column};`).join(' ')}`,
  10: 'ALTER TABLE mfa_credential DROP COLUMN passkey_hardware_bound;',
  11: 'DROP TABLE password_reset;',
  12: 'DROP INDEX oidc_model_account_model; CREATE INDEX oidc_model_account ON oidc_model (account_id) WHERE account_id IS NOT NULL;',
};

/** Takes the SQLite file back to schema `version`, keeping the rows (and the columns) that version had. */
export function rewindSqliteTo(file: string, version: number): void {
  const db = new DatabaseSync(file);
  try {
    const { latest } = db.prepare('SELECT MAX(version) AS latest FROM schema_migrations').get() as { latest: number };
    for (let undone = latest; undone > version; undone -= 1) {
      const sql = UNDO[undone];
      if (!sql) throw new Error(`no undo for migration ${undone}: add it to test/helpers/sqlite-rewind.ts`);
      db.exec(sql);
    }
    db.prepare('DELETE FROM schema_migrations WHERE version > ?').run(version);
  } finally {
    db.close();
  }
}
