import type { PoolKind, StoreKind } from './lib/protocol.ts';

/**
 * What `--scenarios` can name. A scenario is a server entry point (bench/servers/), the store it
 * runs on, and the flow (bench/flows/index.ts) the driver repeats against it. A flow with a
 * second factor signs in from a pool of accounts (POOL_OF_FLOW): the server enrols it before it
 * reports ready (ServerOptions.pools) and hands the driver what it needs (TOTP secrets, phone
 * numbers and the outbox file, backup codes, trusted-device tokens), which the driver lends out
 * one flow at a time (lib/account-pool.ts). The report compares every scenario with the
 * reference, and a second-factor flow also with the password flow on the same store.
 */
export interface Scenario {
  name: string;
  /** Relative to bench/. */
  server: string;
  store: StoreKind;
  flow: string;
  /** The scenario every other one is compared with. */
  reference?: boolean;
  /**
   * Counted (store calls, Redis commands), never timed: a first-party sign-in skips the consent
   * step the reference takes, so its rate would not compare. Only --count-only runs it.
   */
  countedOnly?: boolean;
  /** Node flags for this scenario's server (e.g. a V8 heap setting to compare). */
  execArgv?: string[];
  /** Our server on SQLite in memory (`:memory:`) rather than its file: what the durable file costs. */
  sqliteInMemory?: boolean;
  /** A variant measured only when `--scenarios` names it: not in a default run, nor in the "complete run" of latest.md. */
  onlyWhenNamed?: boolean;
}

/** The pool each second-factor flow signs in from (the password flow uses the one bench account). */
export const POOL_OF_FLOW: Partial<Record<string, PoolKind>> = { totp: 'totp', 'totp-first-party': 'totp', sms: 'sms', backup: 'backup', trusted: 'trusted' };

const ours = (store: 'sqlite' | 'redis', flow: string): Scenario => ({
  name: flow === 'password' ? store : `${store}-${flow}`,
  server: 'servers/our-server.ts',
  store,
  flow,
});

export const SCENARIOS: Scenario[] = [
  { name: 'reference', server: 'servers/reference-server.ts', store: 'memory', flow: 'password', reference: true },
  ...['password', 'totp', 'sms', 'backup', 'trusted'].flatMap((flow) => [ours('sqlite', flow), ours('redis', flow)]),
  ...(['sqlite', 'redis'] as const).map((store) => ({ ...ours(store, 'totp-first-party'), countedOnly: true })),
  // What `npm start`'s --heap-growing-percent=50 costs: in the password block, beside the same server without it.
  ...(['sqlite', 'redis'] as const).map((store) => ({ ...ours(store, 'password'), name: `${store}-heap-growing-50`, execArgv: ['--heap-growing-percent=50'], onlyWhenNamed: true })),
  // How much of the gap to the reference (whose adapter keeps everything in memory) is SQLite's file: in the password block.
  { ...ours('sqlite', 'password'), name: 'sqlite-in-memory', sqliteInMemory: true, onlyWhenNamed: true },
];

/** `--soak`: every kind of sign-in, each flow loop taking them in this order. */
export const SOAK_FLOWS = ['password', 'totp', 'sms', 'backup', 'trusted'];

export const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The SMS budget our bench server runs with instead of config/default.json's (30 s cooldown,
 * 5/hour per account, 10/day per number, 20/hour per IP, 500/hour in all), which would stop a
 * benchmark within seconds: every sign-in comes from 127.0.0.1. Each value is the most the
 * config schema (src/config/sms-schema.ts) allows, the cooldown its least; the driver keeps each
 * account under the cooldown and the per-account cap, so no send is refused.
 */
export const BENCH_SMS_LIMITS = {
  resendCooldownSeconds: 1,
  perAccountPerHour: 100,
  perNumberPerDay: 1000,
  perIpPerHour: 100_000,
  globalPerHour: 10_000_000,
};
