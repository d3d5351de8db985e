import type { DatabaseSync } from 'node:sqlite';
import { ACCOUNT_MODELS, GRANTABLE_MODELS } from '../store.ts';

/** Every grant of an account, and every code and token of those grants; synchronous, for use inside a transaction. */
export type RevokeGrantsOf = (accountId: string) => void;

export function createSqliteGrantRevoker(db: DatabaseSync): RevokeGrantsOf {
  const placeholders = (models: Set<string>) => [...models].map(() => '?').join(', ');
  // Tokens are found through their grant as well as by their own account_id: a row stored
  // without one (its payload had no accountId) still goes with its grant.
  const byGrant = db.prepare(`DELETE FROM oidc_model WHERE model IN (${placeholders(GRANTABLE_MODELS)})
    AND grant_id IN (SELECT id FROM oidc_model WHERE model = 'Grant' AND account_id = ?)`);
  const byAccount = db.prepare(`DELETE FROM oidc_model WHERE account_id = ? AND model IN (${placeholders(ACCOUNT_MODELS)})`);
  return (accountId) => {
    byGrant.run(...GRANTABLE_MODELS, accountId);
    byAccount.run(accountId, ...ACCOUNT_MODELS);
  };
}

/**
 * Runs `work` in one transaction: a change that ends sessions and the deletion of the grants
 * commit together or not at all. Every statement here is synchronous, so nothing else on this
 * connection can run in between.
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
