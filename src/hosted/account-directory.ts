import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../crypto/password-hash.ts';
import { AppError, assertThat } from '../errors.ts';
import { endSessionsNow } from '../mfa/account-security.ts';
import type { AccountRecord, AccountStore } from '../accounts/account-store.ts';
import { hasInvisibleCharacters, looksLikeEmail, MAX_EMAIL_LENGTH, normalizeEmail } from '../accounts/normalize-email.ts';
import { MAX_PASSWORD_LENGTH, passwordLength } from '../accounts/password-policy.ts';
import { checkNewAccountPassword } from './password-reset/password-blocklist.ts';

export interface NewAccount {
  email: string;
  password: string;
  name?: string;
  emailVerified?: boolean;
}

/** The claims a relying app can receive about an account (OpenID Connect Core §5.1). */
export type AccountClaims = {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
};

/** The built-in account directory: validation and hashing over an AccountStore. */
export interface AccountDirectory {
  add(account: NewAccount): Promise<AccountRecord>;
  /** The account id when email and password match; undefined otherwise, in about the same time. */
  authenticate(email: string, password: string): Promise<string | undefined>;
  findById(id: string): Promise<AccountRecord | undefined>;
  findByEmail(email: string): Promise<AccountRecord | undefined>;
  list(): Promise<AccountRecord[]>;
  remove(email: string): Promise<boolean>;
  /**
   * Ends the account's sessions, with their grants, codes and tokens, up to the end of the current
   * second; resolves once a new sign-in would no longer be ended by it (under a second).
   */
  setPassword(email: string, password: string): Promise<boolean>;
  claims(record: AccountRecord): AccountClaims;
}

export function validateEmail(input: string): string {
  const email = normalizeEmail(input);
  assertThat(email.length > 0, 'EMAIL_REQUIRED');
  assertThat(!hasInvisibleCharacters(input) && !hasInvisibleCharacters(email), 'EMAIL_INVISIBLE_CHARACTERS');
  assertThat(email.length <= MAX_EMAIL_LENGTH, 'EMAIL_TOO_LONG');
  assertThat(looksLikeEmail(email), 'EMAIL_INVALID');
  return email;
}

/** Every new password of the built-in directory (an account added, set by support, or reset): length, then the blocklist. */
function validateNewPassword(password: string): void {
  const problem = checkNewAccountPassword(password);
  if (problem) throw new AppError(problem);
}

/** `onRemoved` deletes what other stores keep about a removed account (its second factors). */
export function createAccountDirectory(store: AccountStore, clock: Clock, onRemoved: (accountId: string) => Promise<void> = async () => {}): AccountDirectory {
  return {
    async add({ email, password, name, emailVerified = false }) {
      const normalized = validateEmail(email);
      validateNewPassword(password);
      const now = clock();
      const record: AccountRecord = {
        id: randomUUID(),
        email: normalized,
        emailVerified,
        name: name?.trim() || normalized.split('@')[0]!,
        passwordHash: await hashPassword(password),
        createdAt: now,
        // No session can predate the account. The start of its second, not `now`: sessions are
        // compared in whole seconds, and a sign-in later in this second must not count as earlier
        // (mfa/account-security.ts).
        credentialsChangedAt: Math.floor(now / 1000) * 1000,
      };
      const outcome = await store.create(record);
      assertThat(outcome !== 'email-taken', 'EMAIL_TAKEN');
      assertThat(outcome !== 'look-alike', 'EMAIL_LOOKS_TAKEN');
      return record;
    },

    async authenticate(email, password) {
      // Over-long input never reaches argon2; the caller refuses it before counting a failure.
      if (passwordLength(password) > MAX_PASSWORD_LENGTH) return undefined;
      const account = await store.findByEmail(normalizeEmail(email));
      if (!account) return verifyAgainstDummy(password).then(() => undefined);
      return (await verifyPassword(account.passwordHash, password)) ? account.id : undefined;
    },

    findById: (id) => store.findById(id),
    findByEmail: (email) => store.findByEmail(normalizeEmail(email)),
    list: () => store.list(),

    async remove(email) {
      const account = await store.findByEmail(normalizeEmail(email));
      if (!account || !(await store.remove(account.id))) return false;
      await onRemoved(account.id);
      return true;
    },

    async setPassword(email, password) {
      validateNewPassword(password);
      const account = await store.findByEmail(normalizeEmail(email));
      if (!account) return false;
      const passwordHash = await hashPassword(password);
      // The store deletes the account's grants in the same write (see store.ts).
      return endSessionsNow(clock, (changedAt) => store.updatePassword(account.id, passwordHash, changedAt));
    },

    claims(record) {
      return { sub: record.id, email: record.email, email_verified: record.emailVerified, name: record.name };
    },
  };
}
