/**
 * An authenticator app on the real clock, for tests against provider processes (which use the
 * system clock). A time step is accepted once per account (RFC 6238 §5.2) and the provider
 * accepts one step either side of now, so each account has a few codes available at any moment:
 * this hands them out in increasing order, from the oldest step that is still safe to submit
 * (a margin before it falls out of the window) to one step ahead, and waits for the next step
 * only when an account has used them all. One instance per account.
 */
import { timeStep, totpCode, TOTP_PERIOD_SECONDS } from '../../src/factors/totp/totp.ts';
import { base32Decode } from './base32.ts';
import type { FakeClock } from './fake-clock.ts';

const STEP_MS = TOTP_PERIOD_SECONDS * 1000;
/** A code is handed out only if it stays inside the provider's window for this long. */
const SUBMIT_MARGIN_MS = 3_000;

export interface RealTotp {
  /** The next unused step's code for `key` (as shown on the setup page); throws if none is available now (see `ready`). */
  code(key: string): string;
  /** Waits (at most one step) until a fresh step is available for this account. */
  ready(): Promise<void>;
  /** For helpers that take a clock (enrolAuthenticator, reauthenticate): each call reserves the next step and returns a time in it. */
  readonly clock: FakeClock;
  /** The steps handed out so far. */
  readonly used: number[];
}

export function realTotp(): RealTotp {
  const used: number[] = [];
  const candidate = (): number | undefined => {
    const lower = timeStep(Date.now() + SUBMIT_MARGIN_MS) - 1;
    const upper = timeStep(Date.now()) + 1;
    const last = used.at(-1);
    const step = last === undefined ? lower : Math.max(last + 1, lower);
    return step <= upper ? step : undefined;
  };
  const take = (): number => {
    const step = candidate();
    if (step === undefined) throw new Error('no unused TOTP step is accepted right now: await totp.ready() first');
    used.push(step);
    return step;
  };
  const clock = (() => take() * STEP_MS + STEP_MS / 2) as FakeClock;
  clock.advance = () => {};
  clock.set = () => {};
  return {
    code: (key) => totpCode(base32Decode(key.replace(/\s/g, '')), take()),
    async ready() {
      for (let i = 0; i < 3 && candidate() === undefined; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, STEP_MS - (Date.now() % STEP_MS) + 50));
      }
      if (candidate() === undefined) throw new Error('still no TOTP step available');
    },
    clock,
    used,
  };
}
