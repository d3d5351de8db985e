import { randomUUID } from 'node:crypto';
import type { Credential, MfaRecord, MfaStore } from '../../mfa/mfa-store.ts';
import {
  ACCEPT_CREDENTIAL_STEP, ACCEPT_PASSKEY_USE, ADD_CREDENTIAL, RENAME_PASSKEY, REMOVE_CREDENTIAL, SET_DEFAULT_CREDENTIAL, TOUCH_CREDENTIAL, UPGRADE_ONE_METHOD_RECORD,
} from './lua-credential-scripts.ts';
import { DISABLE_MFA, RAISE_EPOCH, REMOVE_MFA_RECORD, SWAP_BACKUP_CODE } from './lua-mfa-scripts.ts';
import { hashOf, READ_ACCOUNT_AND_MFA_RECORD, READ_MFA_RECORD } from './lua-read-scripts.ts';
import { accountKeyOf } from './redis-accounts.ts';
import { accountGrantsKey, grantKeyPrefix } from './redis-adapter.ts';
import { runScript, type RedisClient } from './redis-script.ts';

const optionalNumber = (value: string | undefined) => (value === undefined ? null : Number(value));

/**
 * cjson writes an empty Lua table as `{}`: a passkey's empty transports come back as an object.
 * A passkey stored before hardwareBound existed was never shown to be hardware-bound: false.
 */
function normalised(credential: Credential): Credential {
  if (credential.passkey && !Array.isArray(credential.passkey.transports)) credential.passkey.transports = [];
  if (credential.passkey) credential.passkey.hardwareBound = credential.passkey.hardwareBound === true;
  return credential;
}

export function toCredentials(methods: Record<string, string>): Credential[] {
  return Object.values(methods)
    .map((json) => normalised(JSON.parse(json) as Credential))
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

function toRecord(accountId: string, hash: Record<string, string>, methods: Record<string, string>): MfaRecord | undefined {
  // HGETALL answers {} for a missing key; a record turned off by disable keeps epoch and sessionsValidAfter.
  if (Object.keys(hash).length === 0 && Object.keys(methods).length === 0) return undefined;
  return {
    accountId,
    credentials: toCredentials(methods),
    backupCodeHash: hash.backupCodeHash ?? null,
    backupCodeCreatedAt: optionalNumber(hash.backupCodeCreatedAt),
    epoch: Number(hash.epoch ?? 0),
    sessionsValidAfter: optionalNumber(hash.sessionsValidAfter),
  };
}

/** Where an account's MFA record, its methods and the account itself lie (cluster/cluster-keys.ts gives the cluster's). */
export interface RedisMfaKeys {
  mfa(accountId: string): string;
  methods(accountId: string): string;
  account(accountId: string): string;
}

/** The MfaStore, and the MFA record read with the account's own hash in one script (AccountStateStore). */
export interface RedisMfa extends MfaStore {
  readWithAccount(accountId: string): Promise<{ accountHash: Record<string, string>; mfa: MfaRecord | undefined }>;
}

/**
 * An account's second factors on Redis: the MFA record (mfa:<accountId>: backupCodeHash,
 * backupCodeCreatedAt, epoch — absent means 0 — and sessionsValidAfter) and its methods
 * (mfa-methods:<accountId>, lua-credential-scripts.ts). Neither expires. Every conditional change
 * is a Lua script, so of two instances racing on the same step, code or method, one wins, and
 * racing raises each get their own epoch. Ending sessions (raiseEpoch with endSessions, disable)
 * deletes the account's grants, codes and tokens in the same script.
 */
export function createRedisMfa(client: RedisClient, prefix: string, cluster?: RedisMfaKeys): RedisMfa {
  // The Cluster store names them with the account's hash tag (cluster/cluster-keys.ts) and has no older data to upgrade.
  const mfaKey = cluster?.mfa ?? ((accountId: string) => `${prefix}mfa:${accountId}`);
  const methodsKey = cluster?.methods ?? ((accountId: string) => `${prefix}mfa-methods:${accountId}`);
  // The account's own hash (redis-accounts.ts), read beside the record by readWithAccount.
  const accountKey = cluster?.account ?? ((accountId: string) => accountKeyOf(prefix, accountId));
  // passkey-owner:<credential id> -> account id: a credential id registers to one account only.
  const passkeyOwnerPrefix = `${prefix}passkey-owner:`;
  const upgradedMarker = `${prefix}mfa-methods-upgraded`;
  const ownersIndexedMarker = `${prefix}passkey-owners-indexed`;
  let upgrading: Promise<void> | undefined;

  /**
   * Once per process (and once per deployment, through the markers): records written when an
   * account had one method (totp* or sms* fields in mfa:<id>) move into its methods hash; then
   * passkeys registered before owner keys existed get theirs (SET NX: a credential id already
   * owned stays with its owner).
   */
  function upgradeOneMethodRecords(): Promise<void> {
    if (cluster) return Promise.resolve();
    upgrading ??= (async () => {
      if ((await client.exists(upgradedMarker)) === 0) {
        const recordPrefix = `${prefix}mfa:`;
        for await (const keys of client.scanIterator({ MATCH: `${recordPrefix}*`, COUNT: 500 })) {
          for (const key of keys) {
            await runScript(client, UPGRADE_ONE_METHOD_RECORD, [key, methodsKey(key.slice(recordPrefix.length))], [randomUUID()]);
          }
        }
        await client.set(upgradedMarker, '1');
      }
      if ((await client.exists(ownersIndexedMarker)) === 0) {
        const methodsPrefix = `${prefix}mfa-methods:`;
        for await (const keys of client.scanIterator({ MATCH: `${methodsPrefix}*`, COUNT: 500 })) {
          for (const key of keys) {
            for (const credential of toCredentials(await client.hGetAll(key))) {
              if (credential.passkey) await client.set(passkeyOwnerPrefix + credential.passkey.credentialId, key.slice(methodsPrefix.length), { NX: true });
            }
          }
        }
        await client.set(ownersIndexedMarker, '1');
      }
    })().catch((error: unknown) => {
      upgrading = undefined;
      throw error;
    });
    return upgrading;
  }

  return {
    async get(accountId) {
      await upgradeOneMethodRecords();
      const [hash, methods] = await runScript(client, READ_MFA_RECORD, [mfaKey(accountId), methodsKey(accountId)], []) as [unknown, unknown];
      return toRecord(accountId, hashOf(hash), hashOf(methods));
    },
    async readWithAccount(accountId) {
      await upgradeOneMethodRecords();
      const [account, hash, methods] = await runScript(client, READ_ACCOUNT_AND_MFA_RECORD, [accountKey(accountId), mfaKey(accountId), methodsKey(accountId)], []) as [unknown, unknown, unknown];
      return { accountHash: hashOf(account), mfa: toRecord(accountId, hashOf(hash), hashOf(methods)) };
    },
    async addCredential(accountId, credential, backupCodeHash, now) {
      await upgradeOneMethodRecords();
      const keys = [mfaKey(accountId), methodsKey(accountId)];
      if (credential.passkey) keys.push(passkeyOwnerPrefix + credential.passkey.credentialId);
      return (await runScript(client, ADD_CREDENTIAL, keys, [credential.id, JSON.stringify(credential), backupCodeHash, String(now), accountId])) === 1;
    },
    async removeCredential(accountId, credentialId) {
      await upgradeOneMethodRecords();
      return Number(await runScript(client, REMOVE_CREDENTIAL, [mfaKey(accountId), methodsKey(accountId)], [credentialId, passkeyOwnerPrefix, accountId]));
    },
    async setDefaultCredential(accountId, credentialId) {
      await upgradeOneMethodRecords();
      return (await runScript(client, SET_DEFAULT_CREDENTIAL, [methodsKey(accountId)], [credentialId])) === 1;
    },
    async acceptTotpStep(accountId, credentialId, step, now) {
      await upgradeOneMethodRecords();
      return (await runScript(client, ACCEPT_CREDENTIAL_STEP, [methodsKey(accountId)], [credentialId, String(step), String(now)])) === 1;
    },
    async acceptPasskeyUse(accountId, credentialId, counter, backupState, now) {
      await upgradeOneMethodRecords();
      return (await runScript(client, ACCEPT_PASSKEY_USE, [methodsKey(accountId)], [credentialId, String(counter), backupState ? '1' : '0', String(now)])) === 1;
    },
    async renamePasskey(accountId, credentialId, name) {
      await upgradeOneMethodRecords();
      return (await runScript(client, RENAME_PASSKEY, [methodsKey(accountId)], [credentialId, name])) === 1;
    },
    async touchCredential(accountId, credentialId, now) {
      await upgradeOneMethodRecords();
      await runScript(client, TOUCH_CREDENTIAL, [methodsKey(accountId)], [credentialId, String(now)]);
    },
    async swapBackupCode(accountId, expectedHash, newHash, now) {
      return (await runScript(client, SWAP_BACKUP_CODE, [mfaKey(accountId)], [expectedHash, newHash, String(now)])) === 1;
    },
    async raiseEpoch(accountId, now, endSessions) {
      return Number(await runScript(client, RAISE_EPOCH, [mfaKey(accountId), accountGrantsKey(prefix, accountId)],
        [endSessions ? '1' : '0', String(now), grantKeyPrefix(prefix)]));
    },
    async disable(accountId, now) {
      await upgradeOneMethodRecords();
      await runScript(client, DISABLE_MFA, [mfaKey(accountId), accountGrantsKey(prefix, accountId), methodsKey(accountId)], [String(now), grantKeyPrefix(prefix), passkeyOwnerPrefix, accountId]);
    },
    async remove(accountId) {
      await runScript(client, REMOVE_MFA_RECORD, [mfaKey(accountId), methodsKey(accountId)], [passkeyOwnerPrefix, accountId]);
    },
  };
}
