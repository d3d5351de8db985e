import type { DatabaseSync } from 'node:sqlite';

/**
 * Schema changes in order; each runs once, inside a transaction, and is recorded in
 * schema_migrations. Never edit a migration that has shipped: add the next one.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE oidc_model (
     model TEXT NOT NULL,
     id TEXT NOT NULL,
     payload TEXT NOT NULL,
     grant_id TEXT,
     user_code TEXT,
     uid TEXT,
     expires_at INTEGER,
     consumed_at INTEGER,
     PRIMARY KEY (model, id)
   );
   CREATE INDEX oidc_model_grant ON oidc_model (grant_id) WHERE grant_id IS NOT NULL;
   CREATE INDEX oidc_model_uid ON oidc_model (model, uid) WHERE uid IS NOT NULL;
   CREATE INDEX oidc_model_user_code ON oidc_model (model, user_code) WHERE user_code IS NOT NULL;
   CREATE INDEX oidc_model_expiry ON oidc_model (expires_at) WHERE expires_at IS NOT NULL;
   CREATE TABLE account (
     id TEXT PRIMARY KEY,
     email TEXT NOT NULL UNIQUE,
     email_verified INTEGER NOT NULL,
     name TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     credentials_changed_at INTEGER NOT NULL
   );
   CREATE TABLE counter (
     key TEXT PRIMARY KEY,
     count INTEGER NOT NULL,
     reset_at INTEGER NOT NULL
   );
   CREATE INDEX counter_reset ON counter (reset_at);`,
  `CREATE TABLE mfa (
     account_id TEXT PRIMARY KEY,
     totp_sealed_secret TEXT,
     totp_enrolled_at INTEGER,
     totp_last_step INTEGER,
     backup_code_hash TEXT,
     backup_code_created_at INTEGER
   );
   CREATE TABLE transient (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX transient_expiry ON transient (expires_at);`,
  `ALTER TABLE mfa ADD COLUMN sms_phone TEXT;
   ALTER TABLE mfa ADD COLUMN sms_enrolled_at INTEGER;`,
  `ALTER TABLE mfa ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE mfa ADD COLUMN sessions_valid_after INTEGER;
   CREATE TABLE trusted_device (
     id TEXT PRIMARY KEY,
     token_hash TEXT NOT NULL UNIQUE,
     account_id TEXT NOT NULL,
     epoch INTEGER NOT NULL,
     label TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX trusted_device_account ON trusted_device (account_id);
   CREATE INDEX trusted_device_expiry ON trusted_device (expires_at);`,
  // Grants, codes and tokens by account, so that ending an account's sessions can delete them
  // (sqlite-grants.ts). Rows written before this migration get theirs from the payload.
  `ALTER TABLE oidc_model ADD COLUMN account_id TEXT;
   UPDATE oidc_model SET account_id = json_extract(payload, '$.accountId')
     WHERE model IN ('Grant', 'AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode')
       AND json_valid(payload);
   CREATE INDEX oidc_model_account ON oidc_model (account_id) WHERE account_id IS NOT NULL;`,
  // How the current method was set up (JSON {how, device}): shown on the Security page.
  `ALTER TABLE mfa ADD COLUMN method_set_up TEXT;`,
  // Look-alike emails (Unicode TS #39 skeleton). Not UNIQUE: accounts made before this may
  // already collide; the insert refuses a new collision. Rows are filled in by sqlite-accounts.ts.
  `ALTER TABLE account ADD COLUMN email_skeleton TEXT;
   CREATE INDEX account_email_skeleton ON account (email_skeleton);`,
  // Several methods per account: one row per method. Today's one method per account moves here
  // (with its setup story); the old mfa columns are emptied and read by nothing any more.
  `CREATE TABLE mfa_credential (
     id TEXT PRIMARY KEY,
     account_id TEXT NOT NULL,
     type TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER,
     is_default INTEGER NOT NULL,
     set_up TEXT,
     sealed_secret TEXT,
     last_step INTEGER,
     phone TEXT
   );
   CREATE INDEX mfa_credential_account ON mfa_credential (account_id);
   INSERT INTO mfa_credential (id, account_id, type, created_at, is_default, set_up, sealed_secret, last_step)
     SELECT lower(hex(randomblob(16))), account_id, 'totp', COALESCE(totp_enrolled_at, 0), 1, method_set_up, totp_sealed_secret, totp_last_step
     FROM mfa WHERE totp_sealed_secret IS NOT NULL;
   INSERT INTO mfa_credential (id, account_id, type, created_at, is_default, set_up, phone)
     SELECT lower(hex(randomblob(16))), account_id, 'sms', COALESCE(sms_enrolled_at, 0), 1, method_set_up, sms_phone
     FROM mfa WHERE sms_phone IS NOT NULL AND totp_sealed_secret IS NULL;
   UPDATE mfa SET totp_sealed_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL,
     sms_phone = NULL, sms_enrolled_at = NULL, method_set_up = NULL;`,
  // Passkeys (WebAuthn L3): a method of type 'passkey' with its public-key credential. A
  // credential id belongs to one account only (WebAuthn L3 §7.1 step 26): unique across accounts.
  `ALTER TABLE mfa_credential ADD COLUMN passkey_id TEXT;
   ALTER TABLE mfa_credential ADD COLUMN passkey_public_key TEXT;
   ALTER TABLE mfa_credential ADD COLUMN passkey_counter INTEGER;
   ALTER TABLE mfa_credential ADD COLUMN passkey_transports TEXT;
   ALTER TABLE mfa_credential ADD COLUMN passkey_backup_eligible INTEGER;
   ALTER TABLE mfa_credential ADD COLUMN passkey_backup_state INTEGER;
   ALTER TABLE mfa_credential ADD COLUMN passkey_name TEXT;
   CREATE UNIQUE INDEX mfa_credential_passkey ON mfa_credential (passkey_id) WHERE passkey_id IS NOT NULL;`,
  // A passkey shown to be hardware-bound at registration (attested to the operator's trust
  // anchors): the only kind that makes a sign-in `phrh`. Passkeys made before: not shown, 0.
  `ALTER TABLE mfa_credential ADD COLUMN passkey_hardware_bound INTEGER NOT NULL DEFAULT 0;`,
  // "Forgot password?" links: the HMAC of the token only, bound to the account and its password.
  `CREATE TABLE password_reset (
     token_hash TEXT PRIMARY KEY,
     account_id TEXT NOT NULL,
     password_fingerprint TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX password_reset_account ON password_reset (account_id);
   CREATE INDEX password_reset_expiry ON password_reset (expires_at);`,
  // An account's Grants without walking its codes and tokens: remembered consent reads them at
  // every sign-in (sqlite-account-grants.ts), and through the account index alone that read grew
  // with the account's live tokens (one or more per sign-in): 170 µs with 3,000 of them, 3 µs with
  // this index. Ending an account's sessions (account_id alone) uses it as well.
  `CREATE INDEX oidc_model_account_model ON oidc_model (account_id, model) WHERE account_id IS NOT NULL;
   DROP INDEX oidc_model_account;`,
];

export function migrate(db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  const current = row.version ?? 0;
  MIGRATIONS.forEach((sql, index) => {
    const version = index + 1;
    if (version <= current) return;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now());
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  });
}
