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

export type StoreKind = 'memory' | 'sqlite' | 'redis';

/** argv[2] of a server child, as JSON. */
export interface ServerOptions {
  store: StoreKind;
  /** A fresh temporary directory the parent removes afterwards (SQLite file, dev keys, logs). */
  dataDir: string;
  redisUrl?: string;
  redisPrefix?: string;
}

export type ServerMessage =
  | { type: 'ready'; baseUrl: string; client: BenchClient; account: BenchAccount }
  | { type: 'failed'; message: string };

export type ParentToServer = { type: 'shutdown' };

export interface DriverJob {
  type: 'job';
  flow: string;
  baseUrl: string;
  client: BenchClient;
  account: BenchAccount;
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
}

export type DriverMessage = DriverResult | { type: 'failed'; message: string };
