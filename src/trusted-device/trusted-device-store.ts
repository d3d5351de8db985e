/**
 * A browser its owner chose to trust after a right code. Only the HMAC-SHA-256 of the cookie's
 * token is kept (tokens have ≥128 bits, so a keyed hash suffices and can be looked up).
 */
export interface TrustedDevice {
  /** Random, not derived from the token: what lists and revoke forms name. */
  id: string;
  tokenHash: string;
  accountId: string;
  /** The account's security epoch when trusted; a later epoch makes the device worthless. */
  epoch: number;
  /** "Chrome on macOS", from the User-Agent. */
  label: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
}

/** What trusted devices need from a store. Implemented by store/sqlite and store/redis. */
export interface TrustedDeviceStore {
  save(device: TrustedDevice): Promise<void>;
  /** The unexpired device with this token hash, or undefined. */
  findByTokenHash(tokenHash: string): Promise<TrustedDevice | undefined>;
  /** The account's unexpired devices, newest first. */
  listForAccount(accountId: string): Promise<TrustedDevice[]>;
  touch(id: string, now: number): Promise<void>;
  /** Revokes one device of this account; false when it was not theirs or is gone. */
  revoke(accountId: string, id: string): Promise<boolean>;
  /** Revokes every device of the account; returns how many went. */
  revokeAll(accountId: string): Promise<number>;
}
