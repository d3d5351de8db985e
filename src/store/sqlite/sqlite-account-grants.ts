import type { DatabaseSync } from 'node:sqlite';
import type { Clock } from '../../clock.ts';
import type { AccountGrantStore, StoredGrant } from '../../consent/account-grant-store.ts';
import { GRANTABLE_MODELS } from '../store.ts';
import { inTransaction } from './sqlite-grants.ts';

interface GrantRow {
  id: string;
  payload: string;
}

const LIVE = '(expires_at IS NULL OR expires_at > ?)';

/** An account's live Grants (account id, now): remembered consent runs it at every sign-in, through the (account_id, model) index. */
export const GRANTS_OF_ACCOUNT = `SELECT id, payload FROM oidc_model WHERE model = 'Grant' AND account_id = ? AND ${LIVE}`;

/**
 * An account's grants one by one, over the `account_id` column the adapter fills for Grants
 * (sqlite-adapter.ts) and revokeGrantsOf reads (sqlite-grants.ts). A grant is only ever found or
 * deleted together with its account: the account id is part of every statement.
 */
export function createSqliteAccountGrants(db: DatabaseSync, clock: Clock): AccountGrantStore {
  const list = db.prepare(GRANTS_OF_ACCOUNT);
  const owned = db.prepare(`SELECT 1 AS found FROM oidc_model WHERE model = 'Grant' AND id = ? AND account_id = ? AND ${LIVE}`);
  const grantModels = [...GRANTABLE_MODELS].map(() => '?').join(', ');
  const deleteTokens = db.prepare(`DELETE FROM oidc_model WHERE grant_id = ? AND model IN (${grantModels})`);
  const deleteGrant = db.prepare(`DELETE FROM oidc_model WHERE model = 'Grant' AND id = ? AND account_id = ?`);

  return {
    async listGrants(accountId) {
      return (list.all(accountId, clock()) as unknown as GrantRow[]).map((row) => ({
        ...(JSON.parse(row.payload) as Omit<StoredGrant, 'id'>),
        id: row.id,
      }));
    },
    async revokeGrant(accountId, grantId) {
      // The check and the deletes commit together: a grant cannot change hands in between.
      return inTransaction(db, () => {
        if (!owned.get(grantId, accountId, clock())) return false;
        deleteTokens.run(grantId, ...GRANTABLE_MODELS);
        deleteGrant.run(grantId, accountId);
        return true;
      });
    },
  };
}
