import { StoreUnavailableError } from '../store.ts';
import type { RedisClient } from './redis-script.ts';

/**
 * The writes a failover must not undo once the person has been told they happened: a method set
 * up or removed, the backup code spent (and its replacement), a TOTP step or a passkey counter
 * used (else it could be replayed on the new primary), the security epoch raised, MFA turned off,
 * an account created, removed or given a new password, a device trusted or revoked, an app's
 * access removed. Redis replicates asynchronously: a primary that dies before its replica has a
 * write promotes a replica without it. Counters, one-time transient state and oidc-provider's
 * sessions are not here: losing one at a failover costs a retry or a new sign-in, never safety.
 */
export const DURABLE_WRITES = {
  mfa: ['addCredential', 'removeCredential', 'setDefaultCredential', 'acceptTotpStep', 'acceptPasskeyUse', 'renamePasskey', 'swapBackupCode', 'raiseEpoch', 'disable', 'remove'],
  accounts: ['create', 'remove', 'updatePassword'],
  trustedDevices: ['save', 'revoke', 'revokeAll'],
  grants: ['revokeGrant'],
  // A reset link spent (or all of an account's revoked) must not work again on the new primary.
  passwordResets: ['take', 'revokeAllOf'],
  revokeGrantsOf: ['revokeGrantsOf'],
} as const;

/**
 * Redis WAIT after each durable write of `part`: the write is answered only once `replicas`
 * replicas have it (or fails as "store unavailable", a 503, when they do not within `timeoutMs`).
 * WAIT covers every earlier write of its connection, so the write and its WAIT must share one
 * connection (redis-connection.ts keeps one to the primary); when the connection failed or was
 * made anew in between (`generation` moved), the WAIT says nothing about the write: a 503 too.
 * 0 replicas: the part unchanged.
 */
export function withReplicaWait<T extends object>(part: T, methods: readonly string[], client: RedisClient, generation: () => number, replicas: number, timeoutMs: number): T {
  if (replicas === 0) return part;
  const durable = new Set(methods);
  return new Proxy(part, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !durable.has(String(property))) return value;
      return async (...args: unknown[]) => {
        const before = generation();
        const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
        const acknowledged = await client.wait(replicas, timeoutMs);
        if (generation() !== before) throw new StoreUnavailableError(new Error('the Redis connection changed between a write and its WAIT'));
        // The write is on the primary but not (yet) on enough replicas: not acknowledged to anyone.
        if (acknowledged < replicas) throw new StoreUnavailableError(new Error(`${acknowledged} of ${replicas} replicas acknowledged the write within ${timeoutMs} ms`));
        return result;
      };
    },
  });
}
