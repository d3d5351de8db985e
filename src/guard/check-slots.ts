import type { CounterStep, CounterStore } from './counter-store.ts';

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
 * increment, its steps sent together in one batch where they may be (a slot taken and its marker
 * read; a failure marked and its slot freed), so both stores (and every instance) agree.
 */
export interface CheckSlots {
  /**
   * A reserved check, or 'locked' when every slot holds a failure (or the wait ran out). With a
   * `gate`, 'gated' (and nothing held) when that counter has reached its limit: the caller's own
   * refusal (the client address's failures), read in the same round trip as the first try.
   */
  reserve(subject: string): Promise<Reservation | 'locked'>;
  reserve(subject: string, gate: Gate | undefined): Promise<Reservation | 'locked' | 'gated'>;
}

export interface Gate {
  key: string;
  limit: number;
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

  /**
   * Taking a slot and reading its failure marker, in one batch: the marker is read after the
   * increment (the order within a batch holds), which is all the rule above asks.
   */
  const take = (subject: string, slot: number): CounterStep[] => [
    { increment: checkKey(subject, slot), windowSeconds: IN_FLIGHT_SECONDS },
    { get: failedKey(subject, slot) },
  ];
  const release = (subject: string, slot: number) => counters.reset(checkKey(subject, slot));

  function reservation(subject: string, slot: number, sawFailures: boolean): Reservation {
    return {
      async fail() {
        // The marker first, then the slot freed: never a moment where the slot looks free and unfailed.
        await counters.batch([
          { increment: failedKey(subject, slot), windowSeconds: limits.failureWindowSeconds },
          { increment: anyFailedKey(subject), windowSeconds: limits.failureWindowSeconds },
          { reset: checkKey(subject, slot) },
        ]);
      },
      async succeed() {
        await counters.batch([
          ...(sawFailures ? [...slots.map((failed) => ({ reset: failedKey(subject, failed) })), { reset: anyFailedKey(subject) }] : []),
          { reset: checkKey(subject, slot) },
        ]);
      },
    };
  }

  /**
   * No failures lately: take the first slot that is free, reading only its own marker. (A failure
   * newer than the hint's window can outlive it; a right password then leaves that one marker to
   * expire in its own window rather than clearing it: the lock still counts only failures.)
   */
  async function tryWithoutFailures(subject: string, from: number, sawFailuresBefore: boolean): Promise<Reservation | undefined> {
    let sawFailures = sawFailuresBefore;
    for (const slot of slots.slice(from)) {
      const [taken, failed] = await counters.batch(take(subject, slot));
      if (taken !== 1) continue;
      if (failed! > 0) {
        sawFailures = true;
        await release(subject, slot);
        continue;
      }
      return reservation(subject, slot, sawFailures);
    }
    return undefined;
  }

  async function tryOnce(subject: string): Promise<Reservation | 'locked' | 'busy'> {
    const failed = await counters.batch(slots.map((slot) => ({ get: failedKey(subject, slot) })));
    const free = slots.filter((slot) => failed[slot] === 0);
    if (free.length === 0) return 'locked';
    for (const slot of free) {
      const [taken, failedSince] = await counters.batch(take(subject, slot));
      if (taken !== 1) continue;
      if (failedSince! > 0) {
        await release(subject, slot);
        continue;
      }
      return reservation(subject, slot, free.length < slots.length);
    }
    return 'busy';
  }

  async function reserve(subject: string): Promise<Reservation | 'locked'>;
  async function reserve(subject: string, gate: Gate | undefined): Promise<Reservation | 'locked' | 'gated'>;
  async function reserve(subject: string, gate?: Gate): Promise<Reservation | 'locked' | 'gated'> {
    // The first try in one round trip: the gate, the hint, and slot 0 taken with its marker read.
    // Slot 0 is taken before the hint is known: when the hint says failures, a slot 0 that is
    // free of one is as good a reservation as tryOnce would give (the lock counts failures, and
    // this holds none); one that failed, or a gate that refuses, is released at once.
    const counts = await counters.batch([...(gate ? [{ get: gate.key }] : []), { get: anyFailedKey(subject) }, ...take(subject, 0)]);
    const [gated, anyFailed, taken, failed] = gate ? counts : [0, ...counts];
    const holdsSlot = taken === 1;
    if (gate && gated! >= gate.limit) {
      if (holdsSlot) await release(subject, 0);
      return 'gated';
    }
    if (holdsSlot && failed === 0) return reservation(subject, 0, anyFailed! > 0);
    if (holdsSlot) await release(subject, 0);
    if (anyFailed === 0) {
      const reserved = await tryWithoutFailures(subject, 1, holdsSlot);
      if (reserved) return reserved;
    }
    for (let round = 0; round < POLL_ROUNDS; round += 1) {
      const outcome = await tryOnce(subject);
      if (outcome !== 'busy') return outcome;
      await sleep(POLL_MS);
    }
    // Checks in flight for 10 s on one name: answered as a lock, never checked unbounded.
    return 'locked';
  }

  return { reserve };
}
