import type { CounterStore } from './counter-store.ts';

/**
 * "Count failures, not attempts in flight" (DESIGN.md), with no burst able to overshoot.
 *
 * A subject (an account name, a device) has `limit` slots. A password may be checked only by a
 * request that holds a slot. A slot is taken either by a check in flight (`login-check:…:<i>`,
 * held for at most IN_FLIGHT_SECONDS in case an instance dies mid-check) or by a failure
 * (`login-failed:…:<i>`, kept for the failure window). So, at any moment,
 *
 *     failures + checks in flight ≤ limit,
 *
 * however the requests arrive and on however many instances: a burst of wrong passwords gets at
 * most `limit` checks, the rest wait and then find every slot failed (locked). A success frees
 * its slot at once, so right passwords never use the budget up: twenty at once all pass, at most
 * `limit` of them being checked at the same time while the others wait their turn.
 *
 * Taking slot i: increment its in-flight counter; the request that makes it 1 holds it. Only
 * then is its failure marker read (a failing holder writes the marker *before* releasing), so a
 * slot that turned into a failure is never handed on. Built on the CounterStore's atomic
 * increment alone, so both stores (and every instance) agree without a new store primitive.
 */
export interface CheckSlots {
  /** A reserved check, or 'locked' when every slot holds a failure (or the wait ran out). */
  reserve(subject: string): Promise<Reservation | 'locked'>;
}

export interface Reservation {
  /** Turns the slot into a failure for the failure window. */
  fail(): Promise<void>;
  /** Frees the slot and clears the subject's failures (a right password ends "in a row"). */
  succeed(): Promise<void>;
}

/** Far longer than one argon2id check; a reservation left by a crashed instance frees itself after it. */
const IN_FLIGHT_SECONDS = 60;
/** While every free slot is in flight, look again this often, for at most POLL_ROUNDS times (10 s). */
const POLL_MS = 20;
const POLL_ROUNDS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createCheckSlots(counters: CounterStore, limits: { limit: number; failureWindowSeconds: number }): CheckSlots {
  const checkKey = (subject: string, slot: number) => `login-check:${subject}:${slot}`;
  const failedKey = (subject: string, slot: number) => `login-failed:${subject}:${slot}`;
  /**
   * A hint, never the rule: failures recorded for the subject lately. While it is 0 (nearly every
   * sign-in), `reserve` skips reading every slot's marker first; the marker of the slot it takes is
   * still read after taking it, so a stale hint can cost a retry but never reuse a failed slot.
   */
  const anyFailedKey = (subject: string) => `login-failed-any:${subject}`;
  const slots = Array.from({ length: limits.limit }, (_, slot) => slot);

  async function clearFailures(subject: string): Promise<void> {
    await Promise.all([...slots.map((slot) => counters.reset(failedKey(subject, slot))), counters.reset(anyFailedKey(subject))]);
  }

  function reservation(subject: string, slot: number, sawFailures: boolean): Reservation {
    return {
      async fail() {
        await Promise.all([counters.increment(failedKey(subject, slot), limits.failureWindowSeconds), counters.increment(anyFailedKey(subject), limits.failureWindowSeconds)]);
        await counters.reset(checkKey(subject, slot));
      },
      async succeed() {
        if (sawFailures) await clearFailures(subject);
        await counters.reset(checkKey(subject, slot));
      },
    };
  }

  /**
   * No failures lately: take the first slot that is free, reading only its own marker. (A failure
   * newer than the hint's window can outlive it; a right password then leaves that one marker to
   * expire in its own window rather than clearing it: the lock still counts only failures.)
   */
  async function tryWithoutFailures(subject: string): Promise<Reservation | undefined> {
    let sawFailures = false;
    for (const slot of slots) {
      if ((await counters.increment(checkKey(subject, slot), IN_FLIGHT_SECONDS)) !== 1) continue;
      if ((await counters.get(failedKey(subject, slot))) > 0) {
        sawFailures = true;
        await counters.reset(checkKey(subject, slot));
        continue;
      }
      return reservation(subject, slot, sawFailures);
    }
    return undefined;
  }

  async function tryOnce(subject: string): Promise<Reservation | 'locked' | 'busy'> {
    const failed = await Promise.all(slots.map((slot) => counters.get(failedKey(subject, slot))));
    const free = slots.filter((slot) => failed[slot] === 0);
    if (free.length === 0) return 'locked';
    for (const slot of free) {
      if ((await counters.increment(checkKey(subject, slot), IN_FLIGHT_SECONDS)) !== 1) continue;
      if ((await counters.get(failedKey(subject, slot))) > 0) {
        await counters.reset(checkKey(subject, slot));
        continue;
      }
      return reservation(subject, slot, free.length < slots.length);
    }
    return 'busy';
  }

  return {
    async reserve(subject) {
      if ((await counters.get(anyFailedKey(subject))) === 0) {
        const reserved = await tryWithoutFailures(subject);
        if (reserved) return reserved;
      }
      for (let round = 0; round < POLL_ROUNDS; round += 1) {
        const outcome = await tryOnce(subject);
        if (outcome !== 'busy') return outcome;
        await sleep(POLL_MS);
      }
      // Checks in flight for 10 s on one name: answered as a lock, never checked unbounded.
      return 'locked';
    },
  };
}
