import type { CounterStore } from './counter-store.ts';

export type FactorId = 'totp' | 'backup-code' | 'sms';

export interface FactorGuardLimits {
  /** Wrong codes in a row before a timed lock (then again at each further multiple). */
  lockAfterFailures: number;
  /** Wrong codes in a row after which only an operator can unlock (NIST SP 800-63B §5.2.2: ≤ 100). */
  maxFailures: number;
}

/**
 * Wrong-code limits per account and factor, in the store so every instance and restart sees
 * them. Counted apart from password failures; a new SMS does not reset them (NIST SP 800-63B
 * rev 4 §3.1.3.2). Locks back off: 1 min, 2, 4, … up to an hour.
 */
export interface FactorGuard {
  isLocked(accountId: string, factor: FactorId): Promise<boolean>;
  recordFailure(accountId: string, factor: FactorId): Promise<void>;
  recordSuccess(accountId: string, factor: FactorId): Promise<void>;
  /** Operator action: clears the count and any lock. */
  unlock(accountId: string, factor: FactorId): Promise<void>;
  failures(accountId: string, factor: FactorId): Promise<number>;
}

/** Long enough that "in a row" means in a row: the count only ends with a success or an unlock. */
const FAILURE_MEMORY_SECONDS = 90 * 24 * 3600;
const FIRST_LOCK_SECONDS = 60;
const LONGEST_LOCK_SECONDS = 3600;

/** `onLock` hears of each lock as it starts (for the audit log); `seconds` is null for the operator-only lock. */
export function createFactorGuard(
  counters: CounterStore,
  limits: FactorGuardLimits,
  onLock: (accountId: string, factor: FactorId, seconds: number | null) => void = () => {},
): FactorGuard {
  const failuresKey = (accountId: string, factor: FactorId) => `mfa-failures:${factor}:${accountId}`;
  const lockKey = (accountId: string, factor: FactorId) => `mfa-lock:${factor}:${accountId}`;
  return {
    async isLocked(accountId, factor) {
      const [failures, locked] = await Promise.all([counters.get(failuresKey(accountId, factor)), counters.get(lockKey(accountId, factor))]);
      return failures >= limits.maxFailures || locked > 0;
    },
    async recordFailure(accountId, factor) {
      const failures = await counters.increment(failuresKey(accountId, factor), FAILURE_MEMORY_SECONDS);
      if (failures === limits.maxFailures) onLock(accountId, factor, null);
      if (failures % limits.lockAfterFailures !== 0) return;
      const round = failures / limits.lockAfterFailures;
      const seconds = Math.min(LONGEST_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (round - 1));
      await counters.increment(lockKey(accountId, factor), seconds);
      if (failures < limits.maxFailures) onLock(accountId, factor, seconds);
    },
    async recordSuccess(accountId, factor) {
      await counters.reset(failuresKey(accountId, factor));
    },
    async unlock(accountId, factor) {
      await Promise.all([counters.reset(failuresKey(accountId, factor)), counters.reset(lockKey(accountId, factor))]);
    },
    failures: (accountId, factor) => counters.get(failuresKey(accountId, factor)),
  };
}
