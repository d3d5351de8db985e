import { randomBytes } from 'node:crypto';
import type { AccountRecord, AccountStore } from '../../accounts/account-store.ts';
import type { PasswordResetStore } from '../../accounts/password-reset-store.ts';
import type { Clock } from '../../clock.ts';
import { macRing } from '../../crypto/mac-ring.ts';

/** OWASP Forgot Password Cheat Sheet: a reset token expires soon; 30 minutes here. */
export const RESET_LINK_MINUTES = 30;

/** 256 random bits, base64url: 43 characters. Anything else is not one of ours and is never looked up. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * "Forgot password?" links. The token leaves only in the mail; the store keeps its HMAC (under the
 * `passwordResets` secrets, newest first) with the account and a fingerprint of the password hash
 * it may replace, so the link dies when the password changes — by this link, another, or any
 * other way — as well as after its one use and its 30 minutes.
 */
export function createResetLinks(deps: { store: PasswordResetStore; accounts: Pick<AccountStore, 'findById'>; secrets: readonly string[]; clock: Clock }) {
  const ring = macRing(deps.secrets, (secret) => `${secret}:oidc-mfa password-reset v1`);
  const fingerprintData = (account: AccountRecord) => `${account.id}\n${account.passwordHash}`;

  /** The link's account, while the link holds: its password is still the one it was made for. */
  async function holding(record: { accountId: string; passwordFingerprint: string } | undefined): Promise<AccountRecord | undefined> {
    if (!record) return undefined;
    const account = await deps.accounts.findById(record.accountId);
    return account && ring.verify(fingerprintData(account), record.passwordFingerprint) ? account : undefined;
  }

  /** The stored key of a token under each secret (rotation), or none for something that is not a token. */
  const hashesOf = (token: string) => (TOKEN.test(token) ? ring.all(token) : []);

  return {
    /** A new link for the account; answers the token for the mail. */
    async issue(account: AccountRecord): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      await deps.store.save(ring.sign(token), {
        accountId: account.id,
        passwordFingerprint: ring.sign(fingerprintData(account)),
        expiresAt: deps.clock() + RESET_LINK_MINUTES * 60_000,
      });
      return token;
    },

    /**
     * One store read of a link that cannot exist: what "Forgot password?" does for an address with
     * no account, as one write is what it does for one with (check() reads once per secret).
     */
    async lookUpNothing(): Promise<void> {
      await deps.store.find(ring.sign(randomBytes(32).toString('base64url')));
    },

    /** The account a link would reset, without using it (the page that asks for the new password). */
    async check(token: string): Promise<AccountRecord | undefined> {
      for (const hash of hashesOf(token)) {
        const record = await deps.store.find(hash);
        if (record) return holding(record);
      }
      return undefined;
    },

    /** Uses the link up (of two at once, one wins) and answers its account while it holds. */
    async redeem(token: string): Promise<AccountRecord | undefined> {
      for (const hash of hashesOf(token)) {
        const record = await deps.store.take(hash);
        if (record) return holding(record);
      }
      return undefined;
    },

    /** The stored key of a token, for binding a form to its link (the CSRF scope). */
    scopeOf: (token: string) => (TOKEN.test(token) ? ring.sign(token) : 'none'),

    /** Every link of the account ends (its password just changed). */
    revokeAllOf: (accountId: string) => deps.store.revokeAllOf(accountId),
  };
}

export type ResetLinks = ReturnType<typeof createResetLinks>;
