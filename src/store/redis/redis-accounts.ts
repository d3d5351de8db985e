import type { AccountRecord, AccountStore } from '../../accounts/account-store.ts';
import { emailSkeleton } from '../../accounts/email-skeleton.ts';
import { CREATE_ACCOUNT, INDEX_SKELETON, REMOVE_ACCOUNT } from './lua-account-scripts.ts';
import { FIND_ACCOUNT_BY_EMAIL, hashOf } from './lua-read-scripts.ts';
import { UPDATE_PASSWORD } from './lua-scripts.ts';
import { accountGrantsKey, grantKeyPrefix } from './redis-adapter.ts';
import { runScript, type RedisClient } from './redis-script.ts';

/** An account as the hash's field/value pairs (the Cluster store writes the same hash: cluster/cluster-accounts.ts). */
export function toFields(record: AccountRecord): string[] {
  return [
    'id', record.id,
    'email', record.email,
    'emailVerified', record.emailVerified ? '1' : '0',
    'name', record.name,
    'passwordHash', record.passwordHash,
    'createdAt', String(record.createdAt),
    'credentialsChangedAt', String(record.credentialsChangedAt),
  ];
}

export function toRecord(hash: Record<string, string>): AccountRecord | undefined {
  // HGETALL answers {} for a missing key.
  if (hash.id === undefined || hash.email === undefined) return undefined;
  return {
    id: hash.id,
    email: hash.email,
    emailVerified: hash.emailVerified === '1',
    name: hash.name ?? '',
    passwordHash: hash.passwordHash ?? '',
    createdAt: Number(hash.createdAt),
    credentialsChangedAt: Number(hash.credentialsChangedAt),
  };
}

/** Byte order, as SQLite's default BINARY collation sorts, so both stores list alike. */
export function byEmail(a: AccountRecord, b: AccountRecord): number {
  return Buffer.compare(Buffer.from(a.email), Buffer.from(b.email));
}

/** An account's hash on one Redis (the MFA part reads it beside the MFA record: redis-mfa.ts). */
export const accountKeyOf = (prefix: string, id: string) => `${prefix}account:${id}`;

/**
 * Accounts on Redis: one hash per account (account:<id>), one hash email -> id
 * (account-emails) that both answers findByEmail and makes the email unique, and one hash
 * skeleton -> id (account-skeletons) that refuses look-alike emails (email-skeleton.ts). A
 * password change or a removal deletes the account's grants, codes and tokens in the same script.
 */
export function createRedisAccounts(client: RedisClient, prefix: string): AccountStore {
  const accountKey = (id: string) => accountKeyOf(prefix, id);
  const emailIndex = `${prefix}account-emails`;
  const skeletonIndex = `${prefix}account-skeletons`;
  /** Set once every account made before the skeleton index is in it. */
  const skeletonsBuilt = `${prefix}account-skeletons-built`;
  let indexing: Promise<void> | undefined;

  /** Once per process (and once per deployment, through the marker): index older accounts. */
  function indexOlderAccounts(): Promise<void> {
    indexing ??= (async () => {
      if ((await client.exists(skeletonsBuilt)) === 1) return;
      for (const [email, id] of Object.entries(await client.hGetAll(emailIndex))) {
        await runScript(client, INDEX_SKELETON, [accountKey(id), skeletonIndex], [id, email, emailSkeleton(email)]);
      }
      await client.set(skeletonsBuilt, '1');
    })().catch((error: unknown) => {
      indexing = undefined;
      throw error;
    });
    return indexing;
  }

  const findById = async (id: string) => toRecord(await client.hGetAll(accountKey(id)));

  return {
    async create(record) {
      await indexOlderAccounts();
      // Like SQLite's ON CONFLICT DO NOTHING, a taken id is refused too (and reported the same way).
      const created = await runScript(client, CREATE_ACCOUNT, [accountKey(record.id), emailIndex, skeletonIndex],
        [record.id, record.email, emailSkeleton(record.email), ...toFields(record)]);
      return created === 1 ? 'created' : created === 2 ? 'look-alike' : 'email-taken';
    },
    findById,
    async findByEmail(email) {
      // The index and the account in one script: one command, one moment.
      const record = toRecord(hashOf(await runScript(client, FIND_ACCOUNT_BY_EMAIL, [emailIndex], [email, accountKey('')])));
      return record?.email === email ? record : undefined;
    },
    async list() {
      // Not one snapshot: an account removed meanwhile is skipped, which is all a listing needs.
      const ids = Object.values(await client.hGetAll(emailIndex));
      const records = await Promise.all(ids.map(findById));
      return records.filter((record): record is AccountRecord => record !== undefined).sort(byEmail);
    },
    async remove(id) {
      return (await runScript(client, REMOVE_ACCOUNT, [accountKey(id), emailIndex, skeletonIndex, accountGrantsKey(prefix, id)], [id, grantKeyPrefix(prefix)])) === 1;
    },
    async updatePassword(id, passwordHash, changedAt) {
      return (await runScript(client, UPDATE_PASSWORD, [accountKey(id), accountGrantsKey(prefix, id)],
        [passwordHash, String(changedAt), grantKeyPrefix(prefix)])) === 1;
    },
  };
}
