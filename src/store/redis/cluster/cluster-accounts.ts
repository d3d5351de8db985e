import type { AccountRecord, AccountStore } from '../../../accounts/account-store.ts';
import { emailSkeleton } from '../../../accounts/email-skeleton.ts';
import { byEmail, toFields, toRecord } from '../redis-accounts.ts';
import { runScript, type RedisClient } from '../redis-script.ts';
import type { ClusterGrants } from './cluster-grants.ts';
import type { ClusterKeys } from './cluster-keys.ts';
import { CREATE_ACCOUNT_HASH, DELETE_ACCOUNT_HASH, RELEASE_EMAIL, RESERVE_EMAIL, SET_PASSWORD } from './cluster-scripts.ts';

/**
 * Accounts on a Redis Cluster: the same hash per account as redis-accounts.ts (in the account's
 * slot, cluster-keys.ts) and the same email and look-alike indexes (together in a slot of their
 * own). Creating one is three steps: reserve the address and its skeleton (one script, so two
 * creations of one address cannot both pass), write the account, and check the reservation still
 * names it. A creation that stopped after its reservation leaves an address that names no
 * account: findByEmail does not see it, and the next creation of that address takes it over
 * (then an account the stopped creation might still write is found not to hold the address, and
 * removes itself). Ending sessions (a password change, a removal) follows the account's change:
 * the account is changed first, so a failure in between leaves sessions to end, never an old password.
 */
export function createClusterAccounts(client: RedisClient, keys: ClusterKeys, grants: ClusterGrants): AccountStore {
  const findById = async (id: string) => toRecord(await client.hGetAll(keys.account(id)));
  const indexes = [keys.emailIndex, keys.skeletonIndex];
  const holds = async (id: string, email: string) => (await client.hGet(keys.account(id), 'email')) === email;

  async function reserve(record: AccountRecord, skeleton: string): Promise<'reserved' | 'email-taken' | 'look-alike'> {
    let stale = '';
    // A few times at most: as asked, then past a holder found to have no account (whose own skeleton entry may follow).
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const [outcome, holder] = await runScript(client, RESERVE_EMAIL, indexes, [record.id, record.email, skeleton, stale]) as [number, string?];
      if (outcome === 1) return 'reserved';
      // A holder with an account (whatever its address now) keeps it; one without was a creation that stopped.
      if (stale === holder || (await client.exists(keys.account(holder!))) === 1) return outcome === 2 ? 'look-alike' : 'email-taken';
      stale = holder!;
    }
    return 'email-taken';
  }

  return {
    async create(record) {
      const skeleton = emailSkeleton(record.email);
      const reserved = await reserve(record, skeleton);
      if (reserved !== 'reserved') return reserved;
      // Like SQLite's ON CONFLICT DO NOTHING, a taken id is refused too (and reported the same way).
      if ((await runScript(client, CREATE_ACCOUNT_HASH, [keys.account(record.id)], [...toFields(record), 'emailSkeleton', skeleton])) !== 1) {
        await runScript(client, RELEASE_EMAIL, indexes, [record.id, record.email, skeleton]);
        return 'email-taken';
      }
      if ((await client.hGet(keys.emailIndex, record.email)) !== record.id) {
        // Taken over while this creation was under way: the address is the other creation's.
        await runScript(client, DELETE_ACCOUNT_HASH, [keys.account(record.id)], []);
        return 'email-taken';
      }
      return 'created';
    },
    findById,
    async findByEmail(email) {
      const id = await client.hGet(keys.emailIndex, email);
      const record = id ? await findById(id) : undefined;
      return record?.email === email ? record : undefined;
    },
    async list() {
      // Not one snapshot: an account removed meanwhile is skipped, which is all a listing needs.
      const entries = Object.entries(await client.hGetAll(keys.emailIndex));
      const records = await Promise.all(entries.map(async ([email, id]) => ((await holds(id, email)) ? findById(id) : undefined)));
      return records.filter((record): record is AccountRecord => record !== undefined).sort(byEmail);
    },
    async remove(id) {
      const removed = await runScript(client, DELETE_ACCOUNT_HASH, [keys.account(id)], []) as (string | null)[] | null;
      if (!removed) return false;
      const [email, skeleton] = removed;
      await runScript(client, RELEASE_EMAIL, indexes, [id, email!, skeleton ?? '']);
      await grants.revokeAccountGrants(id);
      return true;
    },
    async updatePassword(id, passwordHash, changedAt) {
      if ((await runScript(client, SET_PASSWORD, [keys.account(id)], [passwordHash, String(changedAt)])) !== 1) return false;
      await grants.revokeAccountGrants(id);
      return true;
    },
  };
}
