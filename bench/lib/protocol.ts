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

/** An account with text-message codes on, to its own number (E.164). */
export type SmsAccount = BenchAccount & { phone: string };
/** An account with a second factor whose current backup code the driver holds (each use rotates it). */
export type BackupAccount = BenchAccount & { backupCode: string };
/** An account with a second factor and a trusted-device token the server issued for it. */
export type TrustedAccount = BenchAccount & { trustToken: string };

export type StoreKind = 'memory' | 'sqlite' | 'redis';

/** The kinds of account pool a server can enrol before it reports ready (one per second-factor flow). */
export type PoolKind = 'totp' | 'sms' | 'backup' | 'trusted';
export type PoolSizes = Partial<Record<PoolKind, number>>;

/** The pools a server enrolled, as the driver needs them; each with how long enrolling took (ms). */
export interface Pools {
  totp?: { accounts: TotpAccount[]; enrolMs: number };
  /** Codes go to the development outbox file; the budget the server runs with bounds how often an account may send. */
  sms?: { accounts: SmsAccount[]; enrolMs: number; outboxFile: string; cooldownSeconds: number; perAccountPerHour: number };
  backup?: { accounts: BackupAccount[]; enrolMs: number };
  trusted?: { accounts: TrustedAccount[]; enrolMs: number };
}

/** argv[2] of a server child, as JSON. */
export interface ServerOptions {
  store: StoreKind;
  /** A fresh temporary directory the parent removes afterwards (SQLite file, dev keys, logs). */
  dataDir: string;
  redisUrl?: string;
  redisPrefix?: string;
  /** SQLite in memory rather than a file in dataDir (Scenario.sqliteInMemory). */
  sqliteInMemory?: boolean;
  /** How many accounts of each kind to enrol before reporting ready (flows with a second factor). */
  pools?: PoolSizes;
}

export type ServerMessage =
  | { type: 'ready'; baseUrl: string; client: BenchClient; firstPartyClient?: BenchClient; account: BenchAccount; pools?: Pools }
  | { type: 'failed'; message: string }
  /** The answer to a 'memory' request (KiB), after a full GC when asked and available (--expose-gc). */
  | { type: 'memory'; rssKiB: number; heapUsedKiB: number; heapTotalKiB: number; externalKiB: number; gcRan: boolean }
  /** The answer to 'count-start'. */
  | { type: 'counting' }
  /** The answer to 'count-stop': what the server counted since 'count-start'. */
  | { type: 'counts'; counts: CallCounts };

/**
 * 'count-start' / 'count-stop': our server counts its store calls (and, on Redis, the commands
 * its client sends) between the two; see bench/servers/call-counter.ts.
 */
export type ParentToServer = { type: 'shutdown' } | { type: 'memory'; gc: boolean } | { type: 'count-start' } | { type: 'count-stop' };

/** Calls into the Store between 'count-start' and 'count-stop', by "<part>.<method>". */
export interface CallCounts {
  storeCalls: Record<string, number>;
  /** Commands our Redis client wrote to the socket (MULTI and EXEC included); absent on SQLite. */
  redisCommandsSent?: number;
  /** Socket writes those commands went out in (commands started in the same turn travel together): round trips. */
  redisWrites?: number;
  /** The same, by request step ("POST /interaction/:id/login"; call-counter.ts), Redis commands by name. */
  byStep?: Record<string, StepCounts>;
}

export interface StepCounts {
  storeCalls: Record<string, number>;
  redisCommandsSent?: number;
  redisWrites?: number;
  /** "EVALSHA", "HMGET", "GET (pipeline)", "MULTI…EXEC" (the batch's commands with MULTI and EXEC). */
  redisCommands?: Record<string, number>;
}

export interface DriverJob {
  type: 'job';
  /** One flow for a scenario; several for the soak, where each loop takes them in turn. */
  flows: string[];
  baseUrl: string;
  client: BenchClient;
  /** The operator's own app (first_party), where the server registers one: the "-first-party" flows sign in there. */
  firstPartyClient?: BenchClient;
  /** The password flow's account. */
  account: BenchAccount;
  /** The pools second-factor flows sign in from, one account per flow at a time. */
  pools?: Pools;
  /** Send { type: 'measuring' } when the warm-up ends (the soak samples memory from then on). */
  announcePhases?: boolean;
  /**
   * After the warm-up, send { type: 'warmed-up' } and wait for { type: 'go' } before the measured
   * phase, so the parent can take its "before" counts with nothing in flight.
   */
  pauseAfterWarmup?: boolean;
  /** Phases that end after this many flows instead of after warmupMs / durationMs (the calls count). */
  flowCounts?: { warmup: number; measured: number };
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
  /** Per flow, when the job named several. */
  byFlow: FlowTally[];
  /** Per pool: leases (warm-up included), and how often (and how long, ms) a flow waited for a usable account. */
  pools: Partial<Record<PoolKind, PoolUsage>>;
}

export interface FlowTally {
  flow: string;
  flows: number;
  errors: number;
  warmupErrors: number;
  latencyMs: LatencySummary | null;
}

export interface PoolUsage {
  accounts: number;
  leases: number;
  waits: number;
  waitMs: number;
  /** Backup-code accounts taken out of the pool after a failed flow (their code may have been spent). */
  retired?: number;
}

export type DriverMessage = DriverResult | { type: 'measuring' } | { type: 'warmed-up' } | { type: 'failed'; message: string };

/**
 * What the parent sends the driver: jobs, one after another (a scenario's driver lives through
 * every round, so its pools remember which accounts and codes were used), and 'go' after a
 * 'warmed-up'.
 */
export type ParentToDriver = DriverJob | { type: 'go' };
