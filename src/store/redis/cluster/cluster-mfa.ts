import type { MfaStore } from '../../../mfa/mfa-store.ts';
import { ADD_CREDENTIAL } from '../lua-credential-scripts.ts';
import { createRedisMfa, toCredentials, type RedisMfa } from '../redis-mfa.ts';
import { runScript, type RedisClient } from '../redis-script.ts';
import type { ClusterGrants } from './cluster-grants.ts';
import type { ClusterKeys } from './cluster-keys.ts';
import { BUMP_EPOCH, DELETE_IF_EQUAL, DELETE_MFA_RECORD, REMOVE_METHOD, TURN_MFA_OFF } from './cluster-scripts.ts';

/**
 * An account's second factors on a Redis Cluster. The MFA record and its methods share the
 * account's slot (cluster-keys.ts), so every check and write on them stays one script, as on one
 * Redis (redis-mfa.ts serves those unchanged). What lies elsewhere follows in steps:
 *   - a passkey's owner key (its own slot, by credential id) is claimed before the passkey is
 *     added, and freed after it is removed, so a credential id never has two live owners; a key
 *     left by a step that failed names an account whose methods no longer hold it, and is taken
 *     over by the next account that registers that credential;
 *   - ending sessions (a raised epoch, MFA off) raises the epoch and sessionsValidAfter first (from
 *     then on every session from before is refused: interaction-policy.ts), then deletes the grants.
 */
export function createClusterMfa(client: RedisClient, keys: ClusterKeys, grants: ClusterGrants): RedisMfa {
  // The single-Redis store on the cluster's key names, for every method that touches the account's
  // slot alone; those it would take across slots (owner keys, grants) are replaced below, so its
  // own prefix (owner keys, upgrade markers) is never used here.
  const base = createRedisMfa(client, '', keys);
  const freeOwners = (accountId: string, credentialIds: string[]) =>
    Promise.all(credentialIds.map((credentialId) => runScript(client, DELETE_IF_EQUAL, [keys.passkeyOwner(credentialId)], [accountId])));

  /**
   * Claims the credential id's owner key for the account: refused while an account's methods hold
   * that passkey (this account's too: a passkey is registered once); a key no account's methods
   * back (left by a registration or removal that stopped half-way) is taken over.
   */
  async function claimOwner(accountId: string, credentialId: string): Promise<boolean> {
    const key = keys.passkeyOwner(credentialId);
    if ((await client.set(key, accountId, { NX: true })) !== null) return true;
    const holder = await client.get(key);
    if (holder === null) return claimOwner(accountId, credentialId);
    const held = toCredentials(await client.hGetAll(keys.methods(holder))).some((method) => method.passkey?.credentialId === credentialId);
    if (held) return false;
    if (holder === accountId) return true;
    return (await runScript(client, DELETE_IF_EQUAL, [key], [holder])) === 1 ? claimOwner(accountId, credentialId) : false;
  }

  return {
    ...base,
    async addCredential(accountId, credential, backupCodeHash, now) {
      if (credential.passkey && !(await claimOwner(accountId, credential.passkey.credentialId))) return false;
      // No owner key in KEYS: claimed above, in its own slot.
      return (await runScript(client, ADD_CREDENTIAL, [keys.mfa(accountId), keys.methods(accountId)], [credential.id, JSON.stringify(credential), backupCodeHash, String(now), accountId])) === 1;
    },
    async removeCredential(accountId, credentialId) {
      const [remaining, ...released] = await runScript(client, REMOVE_METHOD, [keys.mfa(accountId), keys.methods(accountId)], [credentialId]) as [number, ...string[]];
      await freeOwners(accountId, released);
      return Number(remaining);
    },
    async raiseEpoch(accountId, now, endSessions) {
      const epoch = Number(await runScript(client, BUMP_EPOCH, [keys.mfa(accountId)], [endSessions ? '1' : '0', String(now)]));
      if (endSessions) await grants.revokeAccountGrants(accountId);
      return epoch;
    },
    async disable(accountId, now) {
      const [, ...released] = await runScript(client, TURN_MFA_OFF, [keys.mfa(accountId), keys.methods(accountId)], [String(now)]) as [number, ...string[]];
      await freeOwners(accountId, released);
      await grants.revokeAccountGrants(accountId);
    },
    async remove(accountId) {
      await freeOwners(accountId, await runScript(client, DELETE_MFA_RECORD, [keys.mfa(accountId), keys.methods(accountId)], []) as string[]);
    },
  };
}
