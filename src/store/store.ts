import type { AdapterFactory } from 'oidc-provider';
import type { AccountRecord, AccountStore } from '../accounts/account-store.ts';
import type { PasswordResetStore } from '../accounts/password-reset-store.ts';
import type { AccountGrantStore } from '../consent/account-grant-store.ts';
import type { CounterStore } from '../guard/counter-store.ts';
import type { MfaRecord, MfaStore, TransientStore } from '../mfa/mfa-store.ts';
import type { TrustedDeviceStore } from '../trusted-device/trusted-device-store.ts';

/**
 * An account and its MFA record, read together: whether a session, code or token still counts
 * depends on both (the password's last change, the MFA record's epoch and sessionsValidAfter),
 * and it is asked at every resume and token request. One call, one command on Redis (both lie in
 * the account's slot on a Redis Cluster): where the two reads would have been two.
 */
export interface AccountStateStore {
  read(accountId: string): Promise<AccountState>;
}

export interface AccountState {
  /** What accounts.findById answers. */
  account: AccountRecord | undefined;
  /** What mfa.get answers. */
  mfa: MfaRecord | undefined;
}

/**
 * Everything the identity provider keeps. Two implementations, one contract suite
 * (test/contract): store/sqlite (embedded default) and store/redis (several instances: one
 * Redis, a Sentinel-watched primary, or a Redis Cluster with its own layout, store/redis/cluster).
 */
export interface Store {
  readonly kind: 'sqlite' | 'redis';
  /** oidc-provider's storage adapter for every model (Session, Interaction, Grant, tokens, ...). */
  readonly adapterFactory: AdapterFactory;
  readonly accounts: AccountStore;
  readonly counters: CounterStore;
  readonly mfa: MfaStore;
  readonly transient: TransientStore;
  readonly trustedDevices: TrustedDeviceStore;
  /** An account and its MFA record in one call: what deciding whether a session still counts reads. */
  readonly accountStates: AccountStateStore;
  /** An account's grants, one by one: remembered consent and the Security page's "Apps with access". */
  readonly grants: AccountGrantStore;
  /** "Forgot password?" links of the built-in directory (hosted provider). */
  readonly passwordResets: PasswordResetStore;
  /**
   * Deletes every grant of the account and every code and token of those grants (ACCOUNT_MODELS),
   * so refresh, userinfo and introspection refuse them. The store already does this wherever it
   * ends an account's sessions (mfa.raiseEpoch with endSessions, mfa.disable,
   * accounts.updatePassword and accounts.remove): in the same atomic write on SQLite and one
   * Redis, right after the change (before answering) on a Redis Cluster, whose entries lie in
   * other slots (redis/cluster/cluster-grants.ts). This is for a host whose own directory ends
   * sessions (a password change there).
   */
  revokeGrantsOf(accountId: string): Promise<void>;
  /** Resolves when the store answers; rejects when it does not. */
  ping(): Promise<void>;
  /**
   * Whether what is written survives a restart of the store: production refuses 'ephemeral'
   * (a Redis with neither AOF nor RDB snapshots, an in-memory SQLite) and warns on 'unknown'.
   */
  persistence(): Promise<'persistent' | 'ephemeral' | 'unknown'>;
  close(): Promise<void>;
}

/** Raised when the store cannot be reached; pages answer 503 "temporarily unavailable". */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the store is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** oidc-provider models whose rows carry a grantId and go when the grant is revoked. */
export const GRANTABLE_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/**
 * What revokeGrantsOf deletes: Grant, and the grantable models (each carries the accountId of its
 * grant). SQLite indexes all of them by account; Redis indexes the Grants by account and reaches
 * the rest through their grant's set (redis-adapter.ts).
 */
export const ACCOUNT_MODELS = new Set(['Grant', ...GRANTABLE_MODELS]);
