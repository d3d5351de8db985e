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
}
