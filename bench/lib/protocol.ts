/**
 * The messages that travel over the IPC channels between bench/run.ts and its children
 * (a server under test and the load driver). Plain JSON: no classes, no functions.
 */

/** The relying app every bench server registers: confidential, client_secret_basic, asks for consent. */
export interface BenchClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
}

/** The credentials a flow signs in with. Flows that need more (a TOTP seed, a phone) add fields. */
export interface BenchAccount {
  email: string;
  password: string;
  [extra: string]: string;
}

/**
 * An account with the authenticator app on: its password credentials, its raw TOTP secret
 * (base64) and the time step its enrolment used (RFC 6238 §5.2: each step is accepted once).
 */
export interface TotpAccount {
  email: string;
  password: string;
  totpSecret: string;
  enrolledStep: number;
}

export type StoreKind = 'memory' | 'sqlite' | 'redis';

/** argv[2] of a server child, as JSON. */
export interface ServerOptions {
  store: StoreKind;
  /** A fresh temporary directory the parent removes afterwards (SQLite file, dev keys, logs). */
  dataDir: string;
  redisUrl?: string;
  redisPrefix?: string;
  /** How many accounts with TOTP to enrol before reporting ready (scenarios whose flow needs a code). */
  totpAccounts?: number;
}

export type ServerMessage =
  | { type: 'ready'; baseUrl: string; client: BenchClient; account: BenchAccount; totp?: { accounts: TotpAccount[]; enrolMs: number } }
  | { type: 'failed'; message: string };

export type ParentToServer = { type: 'shutdown' };

export interface DriverJob {
  type: 'job';
  flow: string;
  baseUrl: string;
  client: BenchClient;
  account: BenchAccount;
  /** The pool a TOTP flow signs in from: one account per flow, never twice in one time step. */
  totpAccounts?: TotpAccount[];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** One complete sign-in that takes longer than this is aborted and counted as an error. */
  flowTimeoutMs: number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

export interface DriverResult {
  type: 'result';
  flows: number;
  errors: number;
  warmupFlows: number;
  warmupErrors: number;
  /** From the start of the measured phase to the end of its last flow. */
  elapsedMs: number;
  latencyMs: LatencySummary | null;
  /** Distinct error messages (measured and warm-up phases) with how often each occurred. */
  errorSamples: { message: string; count: number }[];
  /** TOTP scenarios: codes sent, and how often (and how long, ms) a flow waited for an account free in the current step. */
  totpPool?: { accounts: number; codes: number; waits: number; waitMs: number };
}

export type DriverMessage = DriverResult | { type: 'failed'; message: string };
