/**
 * Fixed-window counters kept in the store, so limits hold across restarts and instances.
 * Implemented by store/sqlite and store/redis.
 */
export interface CounterStore {
  /**
   * Adds one and returns the new count. The window opens at the first hit and lasts
   * windowSeconds; a hit after it closed starts a new window at 1. Atomic across instances.
   */
  increment(key: string, windowSeconds: number): Promise<number>;
  /** The count in the open window, or 0. */
  get(key: string): Promise<number>;
  /**
   * When the open window of this key closes (ms since the epoch, by the store's clock), or
   * undefined when none is open: pages tell people when a pause ends or a resend works.
   */
  windowEndsAt(key: string): Promise<number | undefined>;
  reset(key: string): Promise<void>;
  /**
   * Runs the steps in order, as one: no other change (from any instance) lands between two of
   * them, and the whole costs one round trip to the store. Answers each step's count in order:
   * what `get` or `increment` would answer, 0 for a reset, and for `endsAt` what `windowEndsAt`
   * would (0 when no window is open). A guard that needs several counters
   * at once (a lock and its failures, a slot and its failure marker) asks for them together.
   * A get or an increment with `stopAbove` ends the batch when its count is past that number:
   * the steps after it do not run, and the answer stops at that step's count (a budget spent, a
   * lock on: nothing after it should happen).
   */
  batch(steps: readonly CounterStep[]): Promise<number[]>;
}

export type CounterStep =
  | { get: string; stopAbove?: number }
  | { endsAt: string }
  | { increment: string; windowSeconds: number; stopAbove?: number }
  | { reset: string };
