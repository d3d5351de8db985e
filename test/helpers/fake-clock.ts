import type { Clock } from '../../src/clock.ts';

export interface FakeClock extends Clock {
  /** Moves time forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void;
  /** Jumps to `ms` since the epoch. */
  set(ms: number): void;
}

/** A fixed, round instant by default, so failures print readable, repeatable times. */
export const FAKE_CLOCK_START_MS = Date.UTC(2030, 0, 1);

export function createFakeClock(startMs: number = FAKE_CLOCK_START_MS): FakeClock {
  let now = startMs;
  const clock = (() => now) as FakeClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}
