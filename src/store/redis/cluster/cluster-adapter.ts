import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../../../clock.ts';
import { CONSUME_ENTRY } from '../lua-scripts.ts';
import { savePlan } from '../redis-adapter.ts';
import { runScript, type RedisClient } from '../redis-script.ts';
import type { ClusterGrants } from './cluster-grants.ts';
import type { ClusterKeys } from './cluster-keys.ts';
import { ADD_TO_SET, DELETE_IF_EQUAL, REPLACE_ENTRY } from './cluster-scripts.ts';

const FIELDS = ['payload', 'exp', 'consumed', 'uidKey', 'userCodeKey'] as const;

/**
 * oidc-provider's storage adapter on a Redis Cluster: the same entries, index keys and sets as
 * redis-adapter.ts (and cluster-keys.ts names them), but each in its own slot, so a save is
 * steps: the entry first (its script hands back the index keys the old one named), then its
 * index keys and set memberships, then the old ones it no longer uses. Until the indexes follow,
 * a lookup through one finds the old entry or none, never a wrong one: every read through an
 * index checks that the entry still names that index, as redis-adapter.ts does.
 */
export function createClusterAdapterFactory(client: RedisClient, keys: ClusterKeys, grants: ClusterGrants, clock: Clock): AdapterFactory {
  return (model: string): Adapter => {
    const entryKey = (id: string) => keys.entry(model, id);

    const payloadOf = (fields: (string | null | undefined)[], indexKey?: string, field?: 'uidKey' | 'userCodeKey'): AdapterPayload | undefined => {
      const [payload, exp, consumed, uidKey, userCodeKey] = fields;
      // Redis may still hold an entry for up to EXPIRY_SLACK_MS after it logically expired.
      if (payload == null || (exp != null && Number(exp) <= clock())) return undefined;
      if (field && (field === 'uidKey' ? uidKey : userCodeKey) !== indexKey) return undefined;
      const parsed = JSON.parse(payload) as AdapterPayload;
      // oidc-provider reads `consumed` as a truthy marker; seconds since the epoch, like its own timestamps.
      return consumed == null ? parsed : { ...parsed, consumed: Number(consumed) };
    };

    const readThroughIndex = async (indexKey: string, field: 'uidKey' | 'userCodeKey') => {
      const id = await client.get(indexKey);
      return id === null ? undefined : payloadOf(await client.hmGet(entryKey(id), [...FIELDS]), indexKey, field);
    };

    return {
      async upsert(id, payload, expiresIn) {
        const { ttlMs, exp, grantId, accountId } = savePlan(model, payload, expiresIn, clock);
        const entry = entryKey(id);
        const indexes = {
          uidKey: typeof payload.uid === 'string' ? keys.uidIndex(model, payload.uid) : '',
          userCodeKey: typeof payload.userCode === 'string' ? keys.userCodeIndex(model, payload.userCode) : '',
          grantKey: grantId === undefined ? '' : keys.grantSet(grantId),
          accountKey: accountId === undefined ? '' : keys.accountGrants(accountId),
        };
        const old = await runScript(client, REPLACE_ENTRY, [entry], [
          id, JSON.stringify(payload), exp, ttlMs === undefined ? '' : String(ttlMs),
          indexes.uidKey, indexes.userCodeKey, indexes.grantKey, indexes.accountKey,
        ]) as (string | null)[];
        const [oldUid, oldUserCode, oldGrant, oldAccount] = old;
        await Promise.all([
          ...[indexes.uidKey, indexes.userCodeKey].filter(Boolean).map((index) => client.set(index, id, ttlMs === undefined ? undefined : { PX: ttlMs })),
          ...[indexes.grantKey, indexes.accountKey].filter(Boolean).map((set) => runScript(client, ADD_TO_SET, [set], [entry, String(ttlMs ?? -1)])),
          ...[[oldUid, indexes.uidKey], [oldUserCode, indexes.userCodeKey]].filter(([was, now]) => was && was !== now)
            .map(([was]) => runScript(client, DELETE_IF_EQUAL, [was!], [id])),
          ...[[oldGrant, indexes.grantKey], [oldAccount, indexes.accountKey]].filter(([was, now]) => was && was !== now)
            .map(([was]) => client.sRem(was!, entry)),
        ]);
      },
      async find(id) {
        return payloadOf(await client.hmGet(entryKey(id), [...FIELDS]));
      },
      async findByUid(uid) {
        return readThroughIndex(keys.uidIndex(model, uid), 'uidKey');
      },
      async findByUserCode(userCode) {
        return readThroughIndex(keys.userCodeIndex(model, userCode), 'userCodeKey');
      },
      async consume(id) {
        const now = clock();
        await runScript(client, CONSUME_ENTRY, [entryKey(id)], [String(now), String(Math.floor(now / 1000))]);
      },
      async destroy(id) {
        await grants.deleteEntry(entryKey(id));
      },
      async revokeByGrantId(grantId) {
        await grants.revokeGrant(grantId);
      },
    };
  };
}
