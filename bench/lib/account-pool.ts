/**
 * The load driver's pools of accounts with a second factor. A flow borrows one account for its
 * whole run (nobody else signs in as it meanwhile) and gives it back. TOTP has its own pool
 * (totp-pool.ts: one use per time step); the others are this AccountPool with rules of their own:
 * SMS accounts rest for the server's resend cooldown and stay under its per-account cap; a
 * backup-code account carries the code the last sign-in was given, and leaves the pool after a
 * failed flow (its code may have been spent without the driver seeing the new one).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_SMS_LIMITS } from '../scenarios.ts';
import type { BenchAccount, PoolKind, PoolUsage, Pools } from './protocol.ts';
import { TotpPool, totpPoolSize } from './totp-pool.ts';

export interface Lease {
  account: BenchAccount;
  /** TOTP: the current step's code (once per step). */
  oneTimeCode?: () => string;
  /** Backup code: the new code the server showed, for this account's next sign-in. */
  keepBackupCode?: (code: string) => void;
  release(ok: boolean): void;
}

export interface Lender {
  /** An account for one flow; undefined if `until` (performance.now() ms) passes while waiting. */
  lease(until: number): Promise<Lease | undefined>;
  usage(): PoolUsage;
}

interface Rules {
  /** Rest between two leases of one account (ms), e.g. the SMS resend cooldown. */
  gapMs?: number;
  /** Leases per account at most, e.g. the SMS per-account cap (the run is shorter than its window). */
  maxUses?: number;
  retireOnFailure?: boolean;
}

interface Entry {
  account: BenchAccount;
  busy: boolean;
  retired: boolean;
  uses: number;
  /** Date.now() ms from which it may be leased again. */
  readyAt: number;
}

const POLL_MS = 20;

export class AccountPool implements Lender {
  private readonly entries: Entry[];
  private readonly rules: Rules;
  private cursor = 0;
  private leases = 0;
  private waits = 0;
  private waitMs = 0;

  constructor(accounts: BenchAccount[], rules: Rules = {}) {
    this.entries = accounts.map((account) => ({ account, busy: false, retired: false, uses: 0, readyAt: 0 }));
    this.rules = rules;
  }

  private usable(entry: Entry, now: number): boolean {
    return !entry.busy && !entry.retired && entry.readyAt <= now && entry.uses < (this.rules.maxUses ?? Number.POSITIVE_INFINITY);
  }

  /** The next usable account round-robin, or undefined. */
  private take(): Entry | undefined {
    const now = Date.now();
    for (let i = 0; i < this.entries.length; i += 1) {
      const entry = this.entries[(this.cursor + i) % this.entries.length]!;
      if (this.usable(entry, now)) {
        this.cursor = (this.cursor + i + 1) % this.entries.length;
        entry.busy = true;
        entry.uses += 1;
        return entry;
      }
    }
    return undefined;
  }

  async lease(until: number): Promise<Lease | undefined> {
    let entry = this.take();
    if (!entry) {
      const start = performance.now();
      this.waits += 1;
      while (!entry && performance.now() < until) {
        await sleep(Math.min(POLL_MS, Math.max(1, until - performance.now())));
        entry = this.take();
      }
      this.waitMs += performance.now() - start;
    }
    if (!entry) return undefined;
    this.leases += 1;
    const leased = entry;
    return {
      account: leased.account,
      keepBackupCode: (code) => {
        leased.account = { ...leased.account, backupCode: code };
      },
      release: (ok) => {
        leased.busy = false;
        leased.readyAt = Date.now() + (this.rules.gapMs ?? 0);
        if (!ok && this.rules.retireOnFailure) leased.retired = true;
      },
    };
  }

  usage(): PoolUsage {
    const retired = this.entries.filter((e) => e.retired).length;
    return { accounts: this.entries.length, leases: this.leases, waits: this.waits, waitMs: Math.round(this.waitMs), ...(this.rules.retireOnFailure ? { retired } : {}) };
  }
}

/** One lender per pool the server enrolled. */
export function lendersFor(pools: Pools | undefined): Partial<Record<PoolKind, Lender>> {
  const sms = pools?.sms;
  return {
    ...(pools?.totp ? { totp: new TotpPool(pools.totp.accounts) } : {}),
    // Half a second past the cooldown: the server's window opens at its send, inside our lease.
    ...(sms ? { sms: new AccountPool(sms.accounts, { gapMs: sms.cooldownSeconds * 1000 + 500, maxUses: sms.perAccountPerHour }) } : {}),
    ...(pools?.backup ? { backup: new AccountPool(pools.backup.accounts, { retireOnFailure: true }) } : {}),
    ...(pools?.trusted ? { trusted: new AccountPool(pools.trusted.accounts) } : {}),
  };
}

/**
 * Accounts to enrol per pool so that no flow waits, when at most `peakPerSecond` flows of that
 * kind run per second. TOTP: lib/totp-pool.ts. SMS: enough for the cooldown and for the run under
 * the per-account cap. Backup codes and trusted devices: a few per concurrent flow.
 */
export function poolSize(kind: PoolKind, settings: { warmupMs: number; durationMs: number; concurrency: number }, peakPerSecond = 70): number {
  const sms = BENCH_SMS_LIMITS;
  const { warmupMs, durationMs, concurrency } = settings;
  switch (kind) {
    case 'totp':
      return totpPoolSize(settings, peakPerSecond);
    case 'sms': {
      const forCooldown = peakPerSecond * (sms.resendCooldownSeconds + 1);
      const forCap = (peakPerSecond * (warmupMs + durationMs)) / 1000 / sms.perAccountPerHour;
      return Math.max(128, Math.ceil(Math.max(forCooldown, forCap)) + concurrency);
    }
    case 'backup':
    case 'trusted':
      return Math.max(16, 2 * concurrency);
  }
}
