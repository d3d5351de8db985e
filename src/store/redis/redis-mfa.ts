import type { MfaRecord, MfaStore } from '../../mfa/mfa-store.ts';
import { ACCEPT_TOTP_STEP, SWAP_BACKUP_CODE } from './lua-mfa-scripts.ts';
import { runScript, type RedisClient } from './redis-script.ts';

const optionalNumber = (value: string | undefined) => (value === undefined ? null : Number(value));

function toRecord(accountId: string, hash: Record<string, string>): MfaRecord | undefined {
  // HGETALL answers {} for a missing key; every write below leaves at least these fields.
  if (Object.keys(hash).length === 0) return undefined;
  return {
    accountId,
    totp: hash.totpSealedSecret === undefined
      ? null
      : { sealedSecret: hash.totpSealedSecret, enrolledAt: Number(hash.totpEnrolledAt ?? 0), lastAcceptedStep: optionalNumber(hash.totpLastStep) },
    sms: hash.smsPhone === undefined ? null : { phone: hash.smsPhone, enrolledAt: Number(hash.smsEnrolledAt ?? 0) },
    backupCodeHash: hash.backupCodeHash ?? null,
    backupCodeCreatedAt: optionalNumber(hash.backupCodeCreatedAt),
  };
}

/**
 * An account's second factors on Redis: one hash per account (mfa:<accountId>) with the fields
 * totpSealedSecret, totpEnrolledAt, totpLastStep, smsPhone, smsEnrolledAt, backupCodeHash and backupCodeCreatedAt (an
 * absent field is null). It never expires. The conditional changes are Lua scripts
 * (lua-mfa-scripts.ts), so of two instances racing on the same step or code, one wins.
 */
export function createRedisMfa(client: RedisClient, prefix: string): MfaStore {
  const mfaKey = (accountId: string) => `${prefix}mfa:${accountId}`;

  return {
    async get(accountId) {
      return toRecord(accountId, await client.hGetAll(mfaKey(accountId)));
    },
    async enrolTotp(accountId, sealedSecret, acceptedStep, backupCodeHash, now) {
      // MULTI: the new method and code are written and the other method removed as one step.
      await client.multi()
        .hSet(mfaKey(accountId), {
          totpSealedSecret: sealedSecret,
          totpEnrolledAt: String(now),
          totpLastStep: String(acceptedStep),
          backupCodeHash,
          backupCodeCreatedAt: String(now),
        })
        .hDel(mfaKey(accountId), ['smsPhone', 'smsEnrolledAt'])
        .exec();
    },
    async enrolSms(accountId, phone, backupCodeHash, now) {
      await client.multi()
        .hSet(mfaKey(accountId), { smsPhone: phone, smsEnrolledAt: String(now), backupCodeHash, backupCodeCreatedAt: String(now) })
        .hDel(mfaKey(accountId), ['totpSealedSecret', 'totpEnrolledAt', 'totpLastStep'])
        .exec();
    },
    async acceptTotpStep(accountId, step) {
      return (await runScript(client, ACCEPT_TOTP_STEP, [mfaKey(accountId)], [String(step)])) === 1;
    },
    async swapBackupCode(accountId, expectedHash, newHash, now) {
      return (await runScript(client, SWAP_BACKUP_CODE, [mfaKey(accountId)], [expectedHash, newHash, String(now)])) === 1;
    },
    async remove(accountId) {
      await client.del(mfaKey(accountId));
    },
  };
}
