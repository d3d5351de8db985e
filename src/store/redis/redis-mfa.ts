import type { MethodSetUp, MfaRecord, MfaStore } from '../../mfa/mfa-store.ts';
import { ACCEPT_TOTP_STEP, DISABLE_MFA, RAISE_EPOCH, SWAP_BACKUP_CODE } from './lua-mfa-scripts.ts';
import { accountGrantsKey, grantKeyPrefix } from './redis-adapter.ts';
import { runScript, type RedisClient } from './redis-script.ts';

const setUpField = (setUp: MethodSetUp | undefined): Record<string, string> => (setUp ? { methodSetUp: JSON.stringify(setUp) } : {});
const optionalNumber = (value: string | undefined) => (value === undefined ? null : Number(value));

function toRecord(accountId: string, hash: Record<string, string>): MfaRecord | undefined {
  // HGETALL answers {} for a missing key; every write below leaves at least one field (a record
  // turned off by disable keeps epoch and sessionsValidAfter).
  if (Object.keys(hash).length === 0) return undefined;
  return {
    accountId,
    totp: hash.totpSealedSecret === undefined
      ? null
      : { sealedSecret: hash.totpSealedSecret, enrolledAt: Number(hash.totpEnrolledAt ?? 0), lastAcceptedStep: optionalNumber(hash.totpLastStep) },
    sms: hash.smsPhone === undefined ? null : { phone: hash.smsPhone, enrolledAt: Number(hash.smsEnrolledAt ?? 0) },
    methodSetUp: hash.methodSetUp ? (JSON.parse(hash.methodSetUp) as MethodSetUp) : null,
    backupCodeHash: hash.backupCodeHash ?? null,
    backupCodeCreatedAt: optionalNumber(hash.backupCodeCreatedAt),
    epoch: Number(hash.epoch ?? 0),
    sessionsValidAfter: optionalNumber(hash.sessionsValidAfter),
  };
}

/**
 * An account's second factors on Redis: one hash per account (mfa:<accountId>) with the fields
 * totpSealedSecret, totpEnrolledAt, totpLastStep, smsPhone, smsEnrolledAt, methodSetUp (JSON), backupCodeHash, backupCodeCreatedAt,
 * epoch (absent means 0) and sessionsValidAfter (an absent field is null). It never expires. The conditional
 * changes and the epoch are Lua scripts (lua-mfa-scripts.ts), so of two instances racing on the same step or
 * code, one wins, and racing raises each get their own epoch. Enrolments never touch the epoch fields.
 * Ending sessions (raiseEpoch with endSessions, disable) deletes the account's grants, codes and
 * tokens in the same script.
 */
export function createRedisMfa(client: RedisClient, prefix: string): MfaStore {
  const mfaKey = (accountId: string) => `${prefix}mfa:${accountId}`;

  return {
    async get(accountId) {
      return toRecord(accountId, await client.hGetAll(mfaKey(accountId)));
    },
    async enrolTotp(accountId, sealedSecret, acceptedStep, backupCodeHash, now, setUp) {
      // MULTI: the new method and code are written and the other method removed as one step.
      await client.multi()
        .hDel(mfaKey(accountId), 'methodSetUp')
        .hSet(mfaKey(accountId), {
          ...setUpField(setUp),
          totpSealedSecret: sealedSecret,
          totpEnrolledAt: String(now),
          totpLastStep: String(acceptedStep),
          backupCodeHash,
          backupCodeCreatedAt: String(now),
        })
        .hDel(mfaKey(accountId), ['smsPhone', 'smsEnrolledAt'])
        // A factor change raises the epoch in the same MULTI (devices trusted under the old factor stop).
        .hIncrBy(mfaKey(accountId), 'epoch', 1)
        .exec();
    },
    async enrolSms(accountId, phone, backupCodeHash, now, setUp) {
      await client.multi()
        .hDel(mfaKey(accountId), 'methodSetUp')
        .hSet(mfaKey(accountId), { ...setUpField(setUp), smsPhone: phone, smsEnrolledAt: String(now), backupCodeHash, backupCodeCreatedAt: String(now) })
        .hDel(mfaKey(accountId), ['totpSealedSecret', 'totpEnrolledAt', 'totpLastStep'])
        .hIncrBy(mfaKey(accountId), 'epoch', 1)
        .exec();
    },
    async acceptTotpStep(accountId, step) {
      return (await runScript(client, ACCEPT_TOTP_STEP, [mfaKey(accountId)], [String(step)])) === 1;
    },
    async swapBackupCode(accountId, expectedHash, newHash, now) {
      return (await runScript(client, SWAP_BACKUP_CODE, [mfaKey(accountId)], [expectedHash, newHash, String(now)])) === 1;
    },
    async raiseEpoch(accountId, now, endSessions) {
      return Number(await runScript(client, RAISE_EPOCH, [mfaKey(accountId), accountGrantsKey(prefix, accountId)],
        [endSessions ? '1' : '0', String(now), grantKeyPrefix(prefix)]));
    },
    async disable(accountId, now) {
      await runScript(client, DISABLE_MFA, [mfaKey(accountId), accountGrantsKey(prefix, accountId)], [String(now), grantKeyPrefix(prefix)]);
    },
    async remove(accountId) {
      await client.del(mfaKey(accountId));
    },
  };
}
