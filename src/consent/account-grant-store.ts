/**
 * The grants an account gave apps, as oidc-provider stored them (its Grant model's payload):
 * which app, what it may see, since when. Declared here, by the code that reads it (remembered
 * consent, the Security page's "Apps with access"); both stores implement it over the per-account
 * index they already keep for ending an account's sessions (store/sqlite/sqlite-account-grants.ts,
 * store/redis/redis-account-grants.ts).
 */
export interface StoredGrant {
  /** The grant's id (oidc-provider's jti). */
  id: string;
  accountId: string;
  clientId: string;
  /** When it was first saved, in oidc-provider's whole seconds since the epoch. */
  iat?: number;
  /** When it lapses (whole seconds); absent when it never does. */
  exp?: number;
  openid?: { scope?: string; claims?: string[] };
  /** What the person declined (oidc-provider keeps it apart from what was granted). */
  rejected?: { openid?: { scope?: string; claims?: string[] } };
  resources?: Record<string, string>;
}

export interface AccountGrantStore {
  /** The account's grants that have not lapsed, every app's, in no particular order. */
  listGrants(accountId: string): Promise<StoredGrant[]>;
  /**
   * Deletes one grant of this account with every code and token of it, in one atomic write.
   * False, and nothing changed, when no live grant with that id belongs to this account: a grant
   * of another account is never touched, whatever id is asked for.
   */
  revokeGrant(accountId: string, grantId: string): Promise<boolean>;
}
