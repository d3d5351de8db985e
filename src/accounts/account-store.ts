/** One person's account in the built-in directory. The email is stored normalised (see normalize-email.ts). */
export interface AccountRecord {
  /** Opaque, stable subject identifier (`sub`); never derived from the email. */
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  /** argon2id PHC string. */
  passwordHash: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** When the password last changed: sessions that started earlier must sign in again. */
  credentialsChangedAt: number;
}

/** What the built-in account directory needs from a store. Implemented by store/sqlite and store/redis. */
export interface AccountStore {
  /**
   * Adds the account atomically; refuses when the email is already taken, or when another
   * account's email has the same confusable skeleton (email-skeleton.ts): the store keeps an
   * index of skeletons so that the check and the insert are one step across instances.
   */
  create(record: AccountRecord): Promise<'created' | 'email-taken' | 'look-alike'>;
  findById(id: string): Promise<AccountRecord | undefined>;
  findByEmail(normalizedEmail: string): Promise<AccountRecord | undefined>;
  /** Every account, ordered by email. */
  list(): Promise<AccountRecord[]>;
  /** Returns false when there was no such account. Its grants, codes and tokens go in the same write (Store.revokeGrantsOf). */
  remove(id: string): Promise<boolean>;
  /**
   * Returns false when there was no such account. Ends the account's sessions from before
   * `changedAt`; its grants, codes and tokens go in the same write (Store.revokeGrantsOf).
   */
  updatePassword(id: string, passwordHash: string, changedAt: number): Promise<boolean>;
}
