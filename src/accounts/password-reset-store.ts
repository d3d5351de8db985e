/**
 * A "Forgot password?" link as the store keeps it: never the link's token, only its HMAC (the
 * key under which it is found), with the account, a fingerprint of the password it may replace,
 * and its expiry (OWASP Forgot Password Cheat Sheet: single use, short-lived, stored hashed).
 */
export interface ResetLinkRecord {
  accountId: string;
  /** HMAC of the account's password hash when the link was made: a changed password kills the link. */
  passwordFingerprint: string;
  /** ms since the epoch, by the store's clock. */
  expiresAt: number;
}

/** What the password reset needs from a store. Implemented by store/sqlite and store/redis (test/contract). */
export interface PasswordResetStore {
  /** Keeps a link until `record.expiresAt`. */
  save(tokenHash: string, record: ResetLinkRecord): Promise<void>;
  /** The link, while it has not expired or been taken. */
  find(tokenHash: string): Promise<ResetLinkRecord | undefined>;
  /** Deletes the link and answers it, in one step across instances: of two takes, one gets it (single use). Expired: undefined. */
  take(tokenHash: string): Promise<ResetLinkRecord | undefined>;
  /** Deletes every link of the account (its password changed); answers how many there were. */
  revokeAllOf(accountId: string): Promise<number>;
}
