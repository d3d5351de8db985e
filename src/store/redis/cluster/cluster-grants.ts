import type { Clock } from '../../../clock.ts';
import type { AccountGrantStore, StoredGrant } from '../../../consent/account-grant-store.ts';
import { runScript, type RedisClient } from '../redis-script.ts';
import type { ClusterKeys } from './cluster-keys.ts';
import { DELETE_ENTRY_IF, DELETE_IF_EQUAL } from './cluster-scripts.ts';

/**
 * Grants on a Redis Cluster: a grant's codes and tokens are found through its set
 * (oidc-grant:<grantId>), an account's Grants through the set beside its other keys
 * (cluster-keys.ts accountGrants). Each entry lies in its own slot, so a revocation deletes them
 * one conditional script at a time (each only while the entry still names that grant or account,
 * as the single-Redis scripts check), then takes out of the set the members it handled that do
 * not name it again (leaveSet): a Grant saved meanwhile keeps its place, rather than vanishing
 * with a deleted set and escaping the next revocation. A revocation that
 * fails part-way (a node down) leaves the rest for the next one: every step can be repeated.
 */
export interface ClusterGrants {
  /** Deletes an entry (when it holds field = value) with the index keys that still name it. */
  deleteEntry(entryKey: string, condition?: { field: string; value: string }): Promise<boolean>;
  revokeGrant(grantId: string): Promise<void>;
  revokeAccountGrants(accountId: string): Promise<void>;
  store: AccountGrantStore;
}

export function createClusterGrants(client: RedisClient, keys: ClusterKeys, clock: Clock): ClusterGrants {
  /**
   * Takes entries out of an index set, each only while it does not name that set (again): an entry
   * deleted, or saved anew elsewhere, leaves; one saved anew into the same set since it was deleted
   * (a Grant saved while the account's sessions end) keeps its place, so the next revocation finds
   * it. Only a save landing between this read and the removal (well under a millisecond) could lose
   * its place; the next save of that entry restores it.
   */
  async function leaveSet(set: string, field: 'grantKey' | 'accountKey', entries: string[]): Promise<void> {
    const named = await Promise.all(entries.map((entry) => client.hGet(entry, field)));
    const leaving = entries.filter((_, index) => named[index] !== set);
    if (leaving.length) await client.sRem(set, leaving);
  }

  /** Frees what pointed at a deleted entry: its uid and user-code index (while they name it), its set memberships. */
  async function dropIndexes(entryKey: string, [id, uidKey, userCodeKey, grantKey, accountKey]: (string | null)[]) {
    await Promise.all([
      ...[uidKey, userCodeKey].filter((key): key is string => Boolean(key)).map((key) => runScript(client, DELETE_IF_EQUAL, [key], [id!])),
      grantKey ? leaveSet(grantKey, 'grantKey', [entryKey]) : undefined,
      accountKey ? leaveSet(accountKey, 'accountKey', [entryKey]) : undefined,
    ]);
  }

  async function deleteEntry(entryKey: string, condition?: { field: string; value: string }): Promise<boolean> {
    const deleted = await runScript(client, DELETE_ENTRY_IF, [entryKey], condition ? [condition.field, condition.value] : ['', '']) as (string | null)[] | null;
    if (!deleted) return false;
    await dropIndexes(entryKey, deleted);
    return true;
  }

  async function revokeGrant(grantId: string): Promise<void> {
    const set = keys.grantSet(grantId);
    const members = await client.sMembers(set);
    await Promise.all(members.map((entry) => deleteEntry(entry, { field: 'grantKey', value: set })));
    if (members.length) await leaveSet(set, 'grantKey', members);
  }

  /** The account's Grants as the set lists them, each read once; those gone or now another's are pruned from the set. */
  async function grantsOf(accountId: string): Promise<{ entry: string; id: string; payload: string; exp: string | null }[]> {
    const set = keys.accountGrants(accountId);
    const members = await client.sMembers(set);
    const read = await Promise.all(members.map(async (entry) => ({ entry, fields: await client.hmGet(entry, ['id', 'payload', 'exp', 'accountKey']) })));
    const gone = read.filter(({ fields }) => fields[3] !== set).map(({ entry }) => entry);
    if (gone.length) await client.sRem(set, gone);
    return read.filter(({ fields }) => fields[3] === set && fields[0] && fields[1])
      .map(({ entry, fields }) => ({ entry, id: fields[0]!, payload: fields[1]!, exp: fields[2] ?? null }));
  }

  const live = (exp: string | null) => exp === null || Number(exp) > clock();

  /** One Grant of the account: its codes and tokens, then the Grant itself (only while it is still this account's). */
  async function revokeOne(accountId: string, grant: { entry: string; id: string }): Promise<boolean> {
    await revokeGrant(grant.id);
    return deleteEntry(grant.entry, { field: 'accountKey', value: keys.accountGrants(accountId) });
  }

  return {
    deleteEntry,
    revokeGrant,
    async revokeAccountGrants(accountId) {
      const grants = await grantsOf(accountId);
      await Promise.all(grants.map((grant) => revokeOne(accountId, grant)));
    },
    store: {
      async listGrants(accountId) {
        return (await grantsOf(accountId)).filter((grant) => live(grant.exp))
          .map((grant) => ({ ...(JSON.parse(grant.payload) as Omit<StoredGrant, 'id'>), id: grant.id }));
      },
      async revokeGrant(accountId, grantId) {
        const grant = (await grantsOf(accountId)).find((candidate) => candidate.id === grantId && live(candidate.exp));
        return grant ? revokeOne(accountId, grant) : false;
      },
    },
  };
}
