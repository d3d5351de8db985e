/**
 * The host's own user directory, as the MFA plugin sees it: find by login and verify the
 * password, find by id. The built-in AccountDirectory implements it; a host brings its own.
 */
export interface UserDirectory {
  /** The account id when login and password match; undefined otherwise, in about the same time either way. */
  authenticate(login: string, password: string): Promise<string | undefined>;
  findById(id: string): Promise<DirectoryAccount | undefined>;
}

export interface DirectoryAccount {
  id: string;
  /** How the account is named to its owner: on pages and in the authenticator app. */
  email: string;
  /**
   * When the password last changed (ms); sessions that began earlier must sign in again. Sessions
   * are stamped in whole seconds, so the change ends its whole second (account-security.ts); a
   * directory that also deletes the account's grants calls Store.revokeGrantsOf.
   */
  credentialsChangedAt?: number;
}
