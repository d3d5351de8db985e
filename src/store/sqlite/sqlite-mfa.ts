import type { DatabaseSync } from 'node:sqlite';
import type { MethodSetUp, MfaRecord, MfaStore } from '../../mfa/mfa-store.ts';
import { inTransaction, type RevokeGrantsOf } from './sqlite-grants.ts';

interface MfaRow {
  account_id: string;
  totp_sealed_secret: string | null;
  totp_enrolled_at: number | null;
  totp_last_step: number | null;
  backup_code_hash: string | null;
  backup_code_created_at: number | null;
  sms_phone: string | null;
  sms_enrolled_at: number | null;
  epoch: number;
  sessions_valid_after: number | null;
  method_set_up: string | null;
}

const setUpColumn = (setUp: MethodSetUp | undefined) => (setUp ? JSON.stringify(setUp) : null);

function toRecord(row: MfaRow): MfaRecord {
  return {
    accountId: row.account_id,
    totp: row.totp_sealed_secret === null
      ? null
      : { sealedSecret: row.totp_sealed_secret, enrolledAt: row.totp_enrolled_at ?? 0, lastAcceptedStep: row.totp_last_step },
    sms: row.sms_phone === null ? null : { phone: row.sms_phone, enrolledAt: row.sms_enrolled_at ?? 0 },
    methodSetUp: row.method_set_up ? (JSON.parse(row.method_set_up) as MethodSetUp) : null,
    backupCodeHash: row.backup_code_hash,
    backupCodeCreatedAt: row.backup_code_created_at,
    epoch: row.epoch,
    sessionsValidAfter: row.sessions_valid_after,
  };
}

/**
 * Each change is one conditional statement, so the check and the write cannot be split by another writer.
 * Enrolments leave epoch and sessions_valid_after alone: only raiseEpoch and disable move them. Where
 * sessions end (raiseEpoch with endSessions, disable), the account's grants, codes and tokens are
 * deleted in the same transaction (`revokeGrantsOf`, sqlite-grants.ts).
 */
export function createSqliteMfa(db: DatabaseSync, revokeGrantsOf: RevokeGrantsOf): MfaStore {
  const get = db.prepare('SELECT * FROM mfa WHERE account_id = ?');
  // A factor change raises the epoch in the same statement: no crash can leave devices trusted
  // under the old factor working with the new one.
  const enrolTotp = db.prepare(`INSERT INTO mfa (account_id, totp_sealed_secret, totp_enrolled_at, totp_last_step, backup_code_hash, backup_code_created_at, method_set_up, epoch)
    VALUES (?, ?, ?, ?, ?, ?, ?, 1)
    ON CONFLICT (account_id) DO UPDATE SET totp_sealed_secret = excluded.totp_sealed_secret, totp_enrolled_at = excluded.totp_enrolled_at,
      totp_last_step = excluded.totp_last_step, backup_code_hash = excluded.backup_code_hash, backup_code_created_at = excluded.backup_code_created_at,
      method_set_up = excluded.method_set_up, sms_phone = NULL, sms_enrolled_at = NULL, epoch = mfa.epoch + 1`);
  const enrolSms = db.prepare(`INSERT INTO mfa (account_id, sms_phone, sms_enrolled_at, backup_code_hash, backup_code_created_at, method_set_up, epoch)
    VALUES (?, ?, ?, ?, ?, ?, 1)
    ON CONFLICT (account_id) DO UPDATE SET sms_phone = excluded.sms_phone, sms_enrolled_at = excluded.sms_enrolled_at,
      backup_code_hash = excluded.backup_code_hash, backup_code_created_at = excluded.backup_code_created_at, method_set_up = excluded.method_set_up,
      totp_sealed_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL, epoch = mfa.epoch + 1`);
  const acceptStep = db.prepare(`UPDATE mfa SET totp_last_step = ?
    WHERE account_id = ? AND totp_sealed_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)`);
  const swapBackup = db.prepare('UPDATE mfa SET backup_code_hash = ?, backup_code_created_at = ? WHERE account_id = ? AND backup_code_hash = ?');
  // A new record starts at epoch 0, so the first raise gives 1; excluded.sessions_valid_after is
  // NULL unless sessions end, and then keeps the earlier value.
  const raiseEpoch = db.prepare(`INSERT INTO mfa (account_id, epoch, sessions_valid_after) VALUES (?, 1, ?)
    ON CONFLICT (account_id) DO UPDATE SET epoch = mfa.epoch + 1,
      sessions_valid_after = COALESCE(excluded.sessions_valid_after, mfa.sessions_valid_after)
    RETURNING epoch`);
  const disable = db.prepare(`INSERT INTO mfa (account_id, epoch, sessions_valid_after) VALUES (?, 1, ?)
    ON CONFLICT (account_id) DO UPDATE SET totp_sealed_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL,
      sms_phone = NULL, sms_enrolled_at = NULL, backup_code_hash = NULL, backup_code_created_at = NULL, method_set_up = NULL,
      epoch = mfa.epoch + 1, sessions_valid_after = excluded.sessions_valid_after`);
  const remove = db.prepare('DELETE FROM mfa WHERE account_id = ?');

  return {
    async get(accountId) {
      const row = get.get(accountId) as MfaRow | undefined;
      return row ? toRecord(row) : undefined;
    },
    async enrolTotp(accountId, sealedSecret, acceptedStep, backupCodeHash, now, setUp) {
      enrolTotp.run(accountId, sealedSecret, now, acceptedStep, backupCodeHash, now, setUpColumn(setUp));
    },
    async enrolSms(accountId, phone, backupCodeHash, now, setUp) {
      enrolSms.run(accountId, phone, now, backupCodeHash, now, setUpColumn(setUp));
    },
    async acceptTotpStep(accountId, step) {
      return acceptStep.run(step, accountId, step).changes === 1;
    },
    async swapBackupCode(accountId, expectedHash, newHash, now) {
      return swapBackup.run(newHash, now, accountId, expectedHash).changes === 1;
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
        revokeGrantsOf(accountId);
      });
    },
    async remove(accountId) {
      remove.run(accountId);
    },
  };
}
