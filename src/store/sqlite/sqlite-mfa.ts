import type { DatabaseSync } from 'node:sqlite';
import type { Credential, MethodSetUp, MfaRecord, MfaStore, PasskeyKey } from '../../mfa/mfa-store.ts';
import { inTransaction, type RevokeGrantsOf } from './sqlite-grants.ts';

interface MfaRow {
  account_id: string;
  backup_code_hash: string | null;
  backup_code_created_at: number | null;
  epoch: number;
  sessions_valid_after: number | null;
}

interface CredentialRow {
  id: string;
  type: Credential['type'];
  created_at: number;
  last_used_at: number | null;
  is_default: number;
  set_up: string | null;
  sealed_secret: string | null;
  last_step: number | null;
  phone: string | null;
  passkey_id: string | null;
  passkey_public_key: string | null;
  passkey_counter: number | null;
  passkey_transports: string | null;
  passkey_backup_eligible: number | null;
  passkey_backup_state: number | null;
  passkey_name: string | null;
  passkey_hardware_bound: number;
}

function toPasskey(row: CredentialRow): Pick<Credential, 'passkey'> {
  if (row.passkey_id === null) return {};
  return {
    passkey: {
      credentialId: row.passkey_id,
      publicKey: row.passkey_public_key ?? '',
      counter: row.passkey_counter ?? 0,
      transports: row.passkey_transports ? (JSON.parse(row.passkey_transports) as string[]) : [],
      backupEligible: row.passkey_backup_eligible === 1,
      backupState: row.passkey_backup_state === 1,
      name: row.passkey_name ?? '',
      hardwareBound: row.passkey_hardware_bound === 1,
    },
  };
}

function toCredential(row: CredentialRow): Credential {
  return {
    id: row.id,
    type: row.type,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    isDefault: row.is_default === 1,
    setUp: row.set_up ? (JSON.parse(row.set_up) as MethodSetUp) : null,
    sealedSecret: row.sealed_secret,
    lastAcceptedStep: row.last_step,
    phone: row.phone,
    ...toPasskey(row),
  };
}

function passkeyColumns(passkey: PasskeyKey | undefined) {
  if (!passkey) return [null, null, null, null, null, null, null, 0];
  return [passkey.credentialId, passkey.publicKey, passkey.counter, JSON.stringify(passkey.transports),
    passkey.backupEligible ? 1 : 0, passkey.backupState ? 1 : 0, passkey.name, passkey.hardwareBound ? 1 : 0];
}

/**
 * An account's second factors on SQLite: the `mfa` row (backup code, epoch, sessions) and one
 * `mfa_credential` row per method. Each change is one statement or one transaction, so the check
 * and the write cannot be split by another writer. Where sessions end (raiseEpoch with
 * endSessions, disable), the account's grants, codes and tokens are deleted in the same
 * transaction (`revokeGrantsOf`, sqlite-grants.ts).
 */
export function createSqliteMfa(db: DatabaseSync, revokeGrantsOf: RevokeGrantsOf): MfaStore {
  const get = db.prepare('SELECT account_id, backup_code_hash, backup_code_created_at, epoch, sessions_valid_after FROM mfa WHERE account_id = ?');
  const credentials = db.prepare('SELECT * FROM mfa_credential WHERE account_id = ? ORDER BY created_at, rowid');
  // The first method of an account is its default.
  const insertCredential = db.prepare(`INSERT INTO mfa_credential (id, account_id, type, created_at, last_used_at, is_default, set_up, sealed_secret, last_step, phone,
      passkey_id, passkey_public_key, passkey_counter, passkey_transports, passkey_backup_eligible, passkey_backup_state, passkey_name, passkey_hardware_bound)
    VALUES (?, ?, ?, ?, NULL, NOT EXISTS (SELECT 1 FROM mfa_credential WHERE account_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // A factor change raises the epoch with it: no crash can leave devices trusted before it working.
  const newBackupCodeAndEpoch = db.prepare(`INSERT INTO mfa (account_id, backup_code_hash, backup_code_created_at, epoch) VALUES (?, ?, ?, 1)
    ON CONFLICT (account_id) DO UPDATE SET backup_code_hash = excluded.backup_code_hash,
      backup_code_created_at = excluded.backup_code_created_at, epoch = mfa.epoch + 1`);
  const deleteCredential = db.prepare('DELETE FROM mfa_credential WHERE account_id = ? AND id = ? RETURNING is_default');
  const remaining = db.prepare('SELECT COUNT(*) AS n FROM mfa_credential WHERE account_id = ?');
  const defaultToOldest = db.prepare(`UPDATE mfa_credential SET is_default = 1 WHERE id =
    (SELECT id FROM mfa_credential WHERE account_id = ? ORDER BY created_at, rowid LIMIT 1)`);
  const setDefault = db.prepare('UPDATE mfa_credential SET is_default = (id = ?) WHERE account_id = ? AND EXISTS (SELECT 1 FROM mfa_credential WHERE account_id = ? AND id = ?)');
  const acceptStep = db.prepare(`UPDATE mfa_credential SET last_step = ?, last_used_at = ?
    WHERE account_id = ? AND id = ? AND type = 'totp' AND (last_step IS NULL OR last_step < ?)`);
  // WebAuthn L3 §7.2 step 22: the counter must go forward, unless the authenticator keeps none (both 0).
  const acceptPasskey = db.prepare(`UPDATE mfa_credential SET passkey_counter = ?, passkey_backup_state = ?, last_used_at = ?
    WHERE account_id = ? AND id = ? AND type = 'passkey' AND (? > passkey_counter OR (? = 0 AND passkey_counter = 0))`);
  const renamePasskey = db.prepare("UPDATE mfa_credential SET passkey_name = ? WHERE account_id = ? AND id = ? AND type = 'passkey'");
  const touch = db.prepare('UPDATE mfa_credential SET last_used_at = ? WHERE account_id = ? AND id = ?');
  const swapBackup = db.prepare('UPDATE mfa SET backup_code_hash = ?, backup_code_created_at = ? WHERE account_id = ? AND backup_code_hash = ?');
  // A new record starts at epoch 0, so the first raise gives 1; excluded.sessions_valid_after is
  // NULL unless sessions end, and then keeps the earlier value.
  const raiseEpoch = db.prepare(`INSERT INTO mfa (account_id, epoch, sessions_valid_after) VALUES (?, 1, ?)
    ON CONFLICT (account_id) DO UPDATE SET epoch = mfa.epoch + 1,
      sessions_valid_after = COALESCE(excluded.sessions_valid_after, mfa.sessions_valid_after)
    RETURNING epoch`);
  const disable = db.prepare(`INSERT INTO mfa (account_id, epoch, sessions_valid_after) VALUES (?, 1, ?)
    ON CONFLICT (account_id) DO UPDATE SET backup_code_hash = NULL, backup_code_created_at = NULL,
      epoch = mfa.epoch + 1, sessions_valid_after = excluded.sessions_valid_after`);
  const deleteCredentials = db.prepare('DELETE FROM mfa_credential WHERE account_id = ?');
  const passkeyTaken = db.prepare('SELECT 1 FROM mfa_credential WHERE passkey_id = ?');
  const remove = db.prepare('DELETE FROM mfa WHERE account_id = ?');

  return {
    async get(accountId) {
      const row = get.get(accountId) as MfaRow | undefined;
      if (!row) return undefined;
      const record: MfaRecord = {
        accountId: row.account_id,
        credentials: (credentials.all(accountId) as unknown as CredentialRow[]).map(toCredential),
        backupCodeHash: row.backup_code_hash,
        backupCodeCreatedAt: row.backup_code_created_at,
        epoch: row.epoch,
        sessionsValidAfter: row.sessions_valid_after,
      };
      return record;
    },
    async addCredential(accountId, credential, backupCodeHash, now) {
      return inTransaction(db, () => {
        // Inside BEGIN IMMEDIATE, so no other connection can insert between the check and the
        // write; the unique index on passkey_id (migrations.ts) stands behind it.
        if (credential.passkey && passkeyTaken.get(credential.passkey.credentialId)) return false;
        insertCredential.run(credential.id, accountId, credential.type, now, accountId, credential.setUp ? JSON.stringify(credential.setUp) : null,
          credential.sealedSecret, credential.lastAcceptedStep, credential.phone, ...passkeyColumns(credential.passkey));
        newBackupCodeAndEpoch.run(accountId, backupCodeHash, now);
        return true;
      });
    },
    async removeCredential(accountId, credentialId) {
      return inTransaction(db, () => {
        const removed = deleteCredential.get(accountId, credentialId) as { is_default: number } | undefined;
        if (!removed) return -1;
        raiseEpoch.get(accountId, null);
        if (removed.is_default === 1) defaultToOldest.run(accountId);
        return (remaining.get(accountId) as { n: number }).n;
      });
    },
    async setDefaultCredential(accountId, credentialId) {
      return Number(setDefault.run(credentialId, accountId, accountId, credentialId).changes) > 0;
    },
    async acceptTotpStep(accountId, credentialId, step, now) {
      return Number(acceptStep.run(step, now, accountId, credentialId, step).changes) === 1;
    },
    async acceptPasskeyUse(accountId, credentialId, counter, backupState, now) {
      return Number(acceptPasskey.run(counter, backupState ? 1 : 0, now, accountId, credentialId, counter, counter).changes) === 1;
    },
    async renamePasskey(accountId, credentialId, name) {
      return Number(renamePasskey.run(name, accountId, credentialId).changes) === 1;
    },
    async touchCredential(accountId, credentialId, now) {
      touch.run(now, accountId, credentialId);
    },
    async swapBackupCode(accountId, expectedHash, newHash, now) {
      return Number(swapBackup.run(newHash, now, accountId, expectedHash).changes) === 1;
    },
    async raiseEpoch(accountId, now, endSessions) {
      if (!endSessions) return (raiseEpoch.get(accountId, null) as { epoch: number }).epoch;
      return inTransaction(db, () => {
        const { epoch } = raiseEpoch.get(accountId, now) as { epoch: number };
        revokeGrantsOf(accountId);
        return epoch;
      });
    },
    async disable(accountId, now) {
      inTransaction(db, () => {
        disable.run(accountId, now);
        deleteCredentials.run(accountId);
        revokeGrantsOf(accountId);
      });
    },
    async remove(accountId) {
      inTransaction(db, () => {
        deleteCredentials.run(accountId);
        remove.run(accountId);
      });
    },
  };
}
