/**
 * Where the Cluster store keeps what (Redis Cluster places a key by the hash of its {tag}, or of
 * the whole key without one: redis.io, "Redis cluster specification", hash tags). Every key of
 * one account carries the account's tag, so a script may change several of them in one step (the
 * MFA record and its methods; the account's grant, device and reset-link sets beside them); the
 * email and look-alike indexes share a tag of their own, so an address and its look-alikes are
 * reserved together. The counters all share one tag (`counterPrefix`), so a batch of them
 * (CounterStore.batch: an account's lock and its address's failures) stays one atomic script, as
 * the counter contract demands; they are small and short-lived, and one primary answers far more
 * of them than sign-ins need (each sign-in makes a handful). Everything else (an oidc-provider entry, an index key, a device, a link, a
 * counter, a transient value) is one key, placed by its own name.
 *
 * The prefix comes first (so a deployment's keys are found by it) and must hold no brace: a tag
 * in the prefix would put every key in one slot (open-redis-store.ts refuses it).
 */
export interface ClusterKeys {
  account(accountId: string): string;
  mfa(accountId: string): string;
  methods(accountId: string): string;
  /** The account's Grants (entry keys), so ending its sessions can find them. */
  accountGrants(accountId: string): string;
  trustedDevicesOf(accountId: string): string;
  resetLinksOf(accountId: string): string;
  readonly emailIndex: string;
  readonly skeletonIndex: string;
  /** What redis-counters.ts puts before its own `counter:<key>`. */
  readonly counterPrefix: string;
  passkeyOwner(credentialId: string): string;
  entry(model: string, id: string): string;
  uidIndex(model: string, uid: string): string;
  userCodeIndex(model: string, userCode: string): string;
  /** A grant's codes and tokens (entry keys). */
  grantSet(grantId: string): string;
  device(id: string): string;
  deviceToken(tokenHash: string): string;
  resetLink(tokenHash: string): string;
}

export function clusterKeys(prefix: string): ClusterKeys {
  const owned = (accountId: string, what: string) => `${prefix}{account:${accountId}}:${what}`;
  return {
    account: (id) => owned(id, 'account'),
    mfa: (id) => owned(id, 'mfa'),
    methods: (id) => owned(id, 'mfa-methods'),
    accountGrants: (id) => owned(id, 'oidc-grants'),
    trustedDevicesOf: (id) => owned(id, 'trusted-devices'),
    resetLinksOf: (id) => owned(id, 'password-resets'),
    emailIndex: `${prefix}{account-index}:emails`,
    skeletonIndex: `${prefix}{account-index}:skeletons`,
    counterPrefix: `${prefix}{counters}:`,
    passkeyOwner: (credentialId) => `${prefix}passkey-owner:${credentialId}`,
    entry: (model, id) => `${prefix}oidc:${model}:${id}`,
    uidIndex: (model, uid) => `${prefix}oidc-uid:${model}:${uid}`,
    userCodeIndex: (model, userCode) => `${prefix}oidc-user-code:${model}:${userCode}`,
    grantSet: (grantId) => `${prefix}oidc-grant:${grantId}`,
    device: (id) => `${prefix}trusted-device:${id}`,
    deviceToken: (tokenHash) => `${prefix}trusted-device-token:${tokenHash}`,
    resetLink: (tokenHash) => `${prefix}password-reset:${tokenHash}`,
  };
}
