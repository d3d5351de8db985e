import type { CounterStep, CounterStore } from './counter-store.ts';

import type { FactorId } from '../factors/factor-id.ts';

export type { FactorId };

/**
 * Why codes of a factor are not checked right now: a timed pause (with when it ends), or the
 * lock only an operator lifts. Shown only to someone who already passed the password.
 */
export type FactorLock = { kind: 'paused'; until: number } | { kind: 'locked' };

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
 *
 * Every code is checked only after `attempt` reserved one of the round's attempts with an
 * atomic increment, so a burst of parallel guesses cannot all slip in before the first
 * failure is counted: each round allows `lockAfterFailures` evaluations, however they arrive.
 */
export interface FactorGuard {
  /** Reserves one attempt; false when the factor is locked (the code must not be checked). */
  attempt(accountId: string, factor: FactorId): Promise<boolean>;
  isLocked(accountId: string, factor: FactorId): Promise<boolean>;
  /** The lock in force, and until when; undefined while codes are checked. */
  lockOf(accountId: string, factor: FactorId): Promise<FactorLock | undefined>;
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
  const attemptsKey = (accountId: string, factor: FactorId, round: number) => `mfa-attempts:${factor}:${accountId}:${round}`;
  const roundOf = (failures: number) => Math.floor(failures / limits.lockAfterFailures);
  const lastRound = Math.ceil(limits.maxFailures / limits.lockAfterFailures);

  /** Resets of the rounds' attempt counters `from` to `upTo`, both included. */
  const roundResets = (accountId: string, factor: FactorId, from: number, upTo: number): CounterStep[] =>
    Array.from({ length: Math.max(0, upTo - from + 1) }, (_, index) => ({ reset: attemptsKey(accountId, factor, from + index) }));
  /** The failures in a row and the timed lock, read together. */
  const failuresAndLock = (accountId: string, factor: FactorId) =>
    counters.batch([{ get: failuresKey(accountId, factor) }, { get: lockKey(accountId, factor) }]) as Promise<[number, number]>;

  return {
    async attempt(accountId, factor) {
      // One batch for the usual case, before any lock: the lock read, then the failures, then an
      // attempt of round 0 reserved; a lock on stops it there, and so do failures past round 0,
      // whose round is then known for the reservation that follows.
      const counts = await counters.batch([
        { get: lockKey(accountId, factor), stopAbove: 0 },
        { get: failuresKey(accountId, factor), stopAbove: limits.lockAfterFailures - 1 },
        { increment: attemptsKey(accountId, factor, 0), windowSeconds: FAILURE_MEMORY_SECONDS },
      ]);
      if (counts.length === 1) return false;
      const failures = counts[1]!;
      if (failures >= limits.maxFailures) return false;
      const reserved = counts[2] ?? (await counters.increment(attemptsKey(accountId, factor, roundOf(failures)), FAILURE_MEMORY_SECONDS));
      return reserved <= limits.lockAfterFailures;
    },
    async isLocked(accountId, factor) {
      const [failures, locked] = await failuresAndLock(accountId, factor);
      const reserved = await counters.get(attemptsKey(accountId, factor, roundOf(failures)));
      return failures >= limits.maxFailures || locked > 0 || reserved >= limits.lockAfterFailures;
    },
    async lockOf(accountId, factor) {
      // One read of the store for both: the page asks on every view.
      const [failures, until] = await counters.batch([{ get: failuresKey(accountId, factor) }, { endsAt: lockKey(accountId, factor) }]);
      if (failures! >= limits.maxFailures) return { kind: 'locked' };
      return until ? { kind: 'paused', until } : undefined;
    },
    async recordFailure(accountId, factor) {
      const failures = await counters.increment(failuresKey(accountId, factor), FAILURE_MEMORY_SECONDS);
      if (failures === limits.maxFailures) onLock(accountId, factor, null);
      if (failures % limits.lockAfterFailures !== 0 || failures >= limits.maxFailures) return;
      const seconds = Math.min(LONGEST_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (roundOf(failures) - 1));
      await counters.increment(lockKey(accountId, factor), seconds);
      onLock(accountId, factor, seconds);
    },
    async recordSuccess(accountId, factor) {
      // The count read and cleared in one step with round 0 (the only round used before a first
      // lock); later rounds, up to the one that count had reached, only after a lock.
      const [failures] = await counters.batch([
        { get: failuresKey(accountId, factor) },
        { reset: failuresKey(accountId, factor) },
        ...roundResets(accountId, factor, 0, 0),
      ]);
      if (roundOf(failures!) > 0) await counters.batch(roundResets(accountId, factor, 1, roundOf(failures!)));
    },
    async unlock(accountId, factor) {
      await counters.batch([
        { reset: failuresKey(accountId, factor) },
        { reset: lockKey(accountId, factor) },
        ...roundResets(accountId, factor, 0, lastRound),
      ]);
    },
    failures: (accountId, factor) => counters.get(failuresKey(accountId, factor)),
  };
}
