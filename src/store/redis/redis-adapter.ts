import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../../clock.ts';
import { GRANTABLE_MODELS } from '../store.ts';
import { CONSUME_ENTRY, DESTROY_ENTRY, REVOKE_ACCOUNT_GRANTS, REVOKE_GRANT, UPSERT_ENTRY } from './lua-scripts.ts';
import { FIND_ENTRY_BY_INDEX } from './lua-read-scripts.ts';
import { EXPIRY_SLACK_MS, runScript, type RedisClient } from './redis-script.ts';

const FIELDS = ['payload', 'exp', 'consumed', 'uidKey', 'userCodeKey'] as const;

interface Entry {
  payload: AdapterPayload;
  uidKey: string | undefined;
  userCodeKey: string | undefined;
}

/**
 * oidc-provider's storage adapter on Redis. Key layout under the prefix, where the model
 * name never contains ':' so the parts cannot run into each other:
 *   oidc:<model>:<id>              the entry (hash, see lua-scripts.ts)
 *   oidc-uid:<model>:<uid>         -> id (Session lookups by uid)
 *   oidc-user-code:<model>:<code>  -> id (DeviceCode lookups by user code)
 *   oidc-grant:<grantId>           set of entry keys of a grant (GRANTABLE_MODELS only)
 *   oidc-account:<accountId>       set of entry keys of an account's Grants, so ending its
 *                                  sessions can delete them and, through their grant sets, their
 *                                  codes and tokens (revokeAccountGrants in lua-scripts.ts)
 */
export const grantKeyPrefix = (prefix: string) => `${prefix}oidc-grant:`;
export const accountGrantsKey = (prefix: string, accountId: string) => `${prefix}oidc-account:${accountId}`;

/** Deletes every grant of the account, with its codes and tokens. */
export async function revokeAccountGrants(client: RedisClient, prefix: string, accountId: string): Promise<void> {
  await runScript(client, REVOKE_ACCOUNT_GRANTS, [accountGrantsKey(prefix, accountId)], [grantKeyPrefix(prefix)]);
}

/**
 * What a save of an entry writes besides its payload (here and in the Cluster store's adapter):
 * the real lifetime (the logical one plus EXPIRY_SLACK_MS; undefined: none), the logical expiry
 * ('' for none), and the sets it joins: its grant's (codes and tokens) and its account's (Grants).
 */
export function savePlan(model: string, payload: AdapterPayload, expiresIn: number | undefined, clock: Clock) {
  const hasExpiry = typeof expiresIn === 'number';
  return {
    ttlMs: hasExpiry ? Math.max(1, Math.ceil(expiresIn * 1000) + EXPIRY_SLACK_MS) : undefined,
    exp: hasExpiry ? String(clock() + expiresIn * 1000) : '',
    grantId: GRANTABLE_MODELS.has(model) && typeof payload.grantId === 'string' ? payload.grantId : undefined,
    accountId: model === 'Grant' && typeof payload.accountId === 'string' ? payload.accountId : undefined,
  };
}

export function createRedisAdapterFactory(client: RedisClient, prefix: string, clock: Clock): AdapterFactory {
  const grantKey = (grantId: string) => `${grantKeyPrefix(prefix)}${grantId}`;

  return (model: string): Adapter => {
    const entryKey = (id: string) => `${prefix}oidc:${model}:${id}`;
    const uidKey = (uid: string) => `${prefix}oidc-uid:${model}:${uid}`;
    const userCodeKey = (userCode: string) => `${prefix}oidc-user-code:${model}:${userCode}`;

    const entryOf = (fields: (string | null | undefined)[]): Entry | undefined => {
      const [payload, exp, consumed, storedUidKey, storedUserCodeKey] = fields;
      // Redis may still hold an entry for up to EXPIRY_SLACK_MS after it logically expired.
      if (payload == null || (exp != null && Number(exp) <= clock())) return undefined;
      const parsed = JSON.parse(payload) as AdapterPayload;
      return {
        // oidc-provider reads `consumed` as a truthy marker; seconds since the epoch, like its own timestamps.
        payload: consumed == null ? parsed : { ...parsed, consumed: Number(consumed) },
        uidKey: storedUidKey ?? undefined,
        userCodeKey: storedUserCodeKey ?? undefined,
      };
    };

    const read = async (id: string) => entryOf(await client.hmGet(entryKey(id), [...FIELDS]));

    // The index and its entry in one script. The index may briefly point at an entry that has since been replaced, so confirm it.
    const readThroughIndex = async (indexKey: string, field: 'uidKey' | 'userCodeKey') => {
      const found = await runScript(client, FIND_ENTRY_BY_INDEX, [indexKey], [entryKey(''), ...FIELDS]) as (string | null)[] | null;
      const entry = found ? entryOf(found.slice(1)) : undefined;
      return entry?.[field] === indexKey ? entry.payload : undefined;
    };

    return {
      async upsert(id, payload, expiresIn) {
        const { ttlMs, exp, grantId, accountId } = savePlan(model, payload, expiresIn, clock);
        await runScript(client, UPSERT_ENTRY, [
          entryKey(id),
          typeof payload.uid === 'string' ? uidKey(payload.uid) : '',
          typeof payload.userCode === 'string' ? userCodeKey(payload.userCode) : '',
          grantId === undefined ? '' : grantKey(grantId),
          accountId === undefined ? '' : accountGrantsKey(prefix, accountId),
        ], [
          id,
          JSON.stringify(payload),
          exp,
          ttlMs === undefined ? '' : String(ttlMs),
        ]);
      },
      async find(id) {
        return (await read(id))?.payload;
      },
      async findByUid(uid) {
        return readThroughIndex(uidKey(uid), 'uidKey');
      },
      async findByUserCode(userCode) {
        return readThroughIndex(userCodeKey(userCode), 'userCodeKey');
      },
      async consume(id) {
        const now = clock();
        await runScript(client, CONSUME_ENTRY, [entryKey(id)], [String(now), String(Math.floor(now / 1000))]);
      },
      async destroy(id) {
        await runScript(client, DESTROY_ENTRY, [entryKey(id)], []);
      },
      async revokeByGrantId(grantId) {
        await runScript(client, REVOKE_GRANT, [grantKey(grantId)], []);
      },
    };
  };
}
