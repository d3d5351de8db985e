/**
 * The load driver's side of the TOTP accounts: a server accepts each (account, 30-second time
 * step) once (RFC 6238 §5.2), so every flow borrows an account that nobody is using and that
 * has not sent a code in the current step, and gets its code from the same HOTP math the
 * server uses. When every account is spent for this step the flow waits (counted: a pool that
 * is too small understates throughput, and the report says so).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { timeStep, totpCode } from '../../src/factors/totp/totp.ts';
import type { BenchAccount, PoolUsage, TotpAccount } from './protocol.ts';

interface Entry {
  account: BenchAccount;
  secret: Buffer;
  /** The last step this account sent (or its enrolment used); only ever increases. */
  lastStep: number;
  busy: boolean;
}

export interface TotpLease {
  account: BenchAccount;
  /** The code of the current step; marks that step used. Throws rather than send a step twice. */
  oneTimeCode: () => string;
  release: () => void;
}

const POLL_MS = 20;

export class TotpPool {
  private readonly entries: Entry[];
  private cursor = 0;
  codes = 0;
  waits = 0;
  waitMs = 0;

  constructor(accounts: TotpAccount[]) {
    this.entries = accounts.map((a) => ({
      account: { email: a.email, password: a.password },
      secret: Buffer.from(a.totpSecret, 'base64'),
      lastStep: a.enrolledStep,
      busy: false,
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** Leases are codes sent (each account and 30 s step at most once). */
  usage(): PoolUsage {
    return { accounts: this.entries.length, leases: this.codes, waits: this.waits, waitMs: Math.round(this.waitMs) };
  }

  /** The next free account round-robin, or undefined when each is busy or spent for `step`. */
  private take(step: number): Entry | undefined {
    for (let i = 0; i < this.entries.length; i += 1) {
      const entry = this.entries[(this.cursor + i) % this.entries.length]!;
      if (!entry.busy && entry.lastStep < step) {
        this.cursor = (this.cursor + i + 1) % this.entries.length;
        entry.busy = true;
        return entry;
      }
    }
    return undefined;
  }

  /** An account for one flow; undefined if `until` (performance.now() ms) passes while waiting for one. */
  async lease(until: number): Promise<TotpLease | undefined> {
    let entry = this.take(timeStep(Date.now()));
    if (!entry) {
      const start = performance.now();
      this.waits += 1;
      while (!entry && performance.now() < until) {
        await sleep(Math.min(POLL_MS, until - performance.now()));
        entry = this.take(timeStep(Date.now()));
      }
      this.waitMs += performance.now() - start;
    }
    if (!entry) return undefined;
    const leased = entry;
    return {
      account: leased.account,
      oneTimeCode: () => {
        const step = timeStep(Date.now());
        if (step <= leased.lastStep) throw new Error(`refusing to reuse time step ${step} for ${leased.account.email}`);
        leased.lastStep = step;
        this.codes += 1;
        return totpCode(leased.secret, step);
      },
      release: () => {
        leased.busy = false;
      },
    };
  }
}

/**
 * Accounts to enrol so that no flow waits: a step lasts 30 s, so at most the whole run (or one
 * step) at a generous `peakPerSecond`, plus one per concurrent flow. 64 at the least.
 */
export function totpPoolSize({ warmupMs, durationMs, concurrency }: { warmupMs: number; durationMs: number; concurrency: number }, peakPerSecond = 70): number {
  const windowSeconds = Math.min(30, (warmupMs + durationMs) / 1000 + 1);
  return Math.max(64, Math.ceil(peakPerSecond * windowSeconds) + concurrency);
}
