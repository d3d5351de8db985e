/**
 * What a scenario and the soak share: a fresh temporary DATA_DIR (and Redis prefix), the server
 * child (with its pools enrolled) and the driver child, and afterwards everything stopped and
 * cleaned up, even on failure, with the problems the server logged. A scenario's session lasts
 * through every round (lib/rounds.ts); the soak's through its one run.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REDIS_URL } from '../scenarios.ts';
import { nextMessage, startChild, stopChild } from './children.ts';
import type { DriverJob, PoolKind, PoolSizes, ServerMessage, ServerOptions, StoreKind } from './protocol.ts';
import { deleteRedisPrefix, randomRedisPrefix } from './redis-cleanup.ts';
import type { CleanupRegistry, RunSettings } from './run-settings.ts';

export interface ServerSpec {
  /** Names the temporary directory and the CPU profile. */
  name: string;
  /** Relative to bench/. */
  server: string;
  store: StoreKind;
  pools?: PoolSizes;
  /** Node options for the server child besides ours (e.g. --expose-gc). */
  execArgv?: string[];
  sqliteInMemory?: boolean;
}

export type Ready = Extract<ServerMessage, { type: 'ready' }>;

export interface Session {
  server: ChildProcess;
  driver: ChildProcess;
  ready: Ready;
  /** The job for the driver: these flows against this server, with its pools. */
  job(flows: string[], extra?: Partial<DriverJob>): DriverJob;
}

export interface SessionOutcome {
  /** Set when the run could not go to the end (server did not start, driver failed...). */
  failure?: string;
  /** warn/error lines the server logged (JSON logs) or wrote to stderr, first few kept. */
  serverLogProblems: string[];
  redisKeysDeleted?: number;
  /** The pools the server enrolled before any phase, and how long each took (not measured). */
  pools?: Partial<Record<PoolKind, { count: number; enrolMs: number }>>;
}

const SERVER_START_LIMIT_MS = 60_000;
/** Two argon2 hashes each (about 10 ms of a core apiece here): a generous allowance per account. */
const ENROL_LIMIT_PER_ACCOUNT_MS = 100;

/** Lines of the server's output that report a problem (our JSON logs at warn/error, stack traces, ...). */
function logProblems(file: string): string[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => /"level":"(warn|error)"|error|exception|unhandled/i.test(line)).slice(0, 10);
}

/** A session whose server is up and whose pools are enrolled; close() ends it and reports. */
export interface OpenSession extends Session {
  /** This session's Redis key prefix (Redis stores only). */
  redisPrefix?: string;
  close(): Promise<SessionOutcome>;
}

/**
 * Starts the server (and waits for its pools) and the driver. Never rejects: a session that did
 * not start comes back closed, with its failure.
 */
export async function openSession(spec: ServerSpec, settings: RunSettings, cleanups: CleanupRegistry): Promise<OpenSession | SessionOutcome> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `oidc-mfa-bench-${spec.name}-`));
  const logFile = path.join(dataDir, 'server.log');
  const logFd = openSync(logFile, 'a');
  const redisPrefix = spec.store === 'redis' ? randomRedisPrefix() : undefined;
  const outcome: SessionOutcome = { serverLogProblems: [] };
  const cleanup = async () => {
    if (redisPrefix) outcome.redisKeysDeleted = await deleteRedisPrefix(REDIS_URL, redisPrefix);
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);

  const options: ServerOptions = { store: spec.store, dataDir, redisUrl: redisPrefix && REDIS_URL, redisPrefix, sqliteInMemory: spec.sqliteInMemory, pools: spec.pools };
  const profile = settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`, `--cpu-prof-name=${spec.name}.cpuprofile`] : [];
  const server = startChild(spec.server, [JSON.stringify(options)], logFd, [...profile, ...(spec.execArgv ?? [])]);
  const driver = startChild('driver.ts', []);
  let closing: Promise<SessionOutcome> | undefined;
  const close = () => (closing ??= (async () => {
    // A profiled server writes its .cpuprofile on the way out: give it longer before SIGKILL.
    await Promise.all([stopChild(driver, 'signal'), stopChild(server, 'message', settings.cpuProfDir ? 30_000 : 5_000)]);
    closeSync(logFd);
    outcome.serverLogProblems = logProblems(logFile);
    try {
      await cleanup();
    } catch (error) {
      outcome.failure ??= `cleanup failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    cleanups.delete(cleanup);
    return outcome;
  })());
  try {
    const wanted = Object.entries(spec.pools ?? {}) as [PoolKind, number][];
    const accounts = wanted.reduce((total, [, count]) => total + count, 0);
    if (accounts) console.error(`bench: ${spec.name}: enrolling ${wanted.map(([kind, count]) => `${count} ${kind}`).join(', ')} accounts first (not measured)...`);
    const ready = await nextMessage<ServerMessage>(server, `${spec.name} server`, SERVER_START_LIMIT_MS + accounts * ENROL_LIMIT_PER_ACCOUNT_MS);
    if (ready.type !== 'ready') throw new Error(`${spec.name} server did not start: ${ready.type === 'failed' ? ready.message : ready.type}`);
    for (const [kind, count] of wanted) {
      const pool = ready.pools?.[kind];
      if (pool?.accounts.length !== count) throw new Error(`${spec.name} server did not enrol the ${count} ${kind} accounts asked for`);
      (outcome.pools ??= {})[kind] = { count, enrolMs: pool.enrolMs };
    }
    if (outcome.pools) console.error(`bench: ${spec.name}: enrolled in ${Object.entries(outcome.pools).map(([kind, p]) => `${kind} ${(p.enrolMs / 1000).toFixed(1)} s`).join(', ')}`);

    const { cpuProfDir: _, ...timing } = settings;
    const job = (flows: string[], extra: Partial<DriverJob> = {}): DriverJob =>
      ({ type: 'job', flows, baseUrl: ready.baseUrl, client: ready.client, firstPartyClient: ready.firstPartyClient, account: ready.account, pools: ready.pools, ...timing, ...extra });
    return { server, driver, ready, job, redisPrefix, close };
  } catch (error) {
    outcome.failure = error instanceof Error ? error.message : String(error);
    return close();
  }
}

export const isOpen = (session: OpenSession | SessionOutcome): session is OpenSession => 'close' in session;

/** openSession, `use`, and close, even on failure (the soak). */
export async function withServer(spec: ServerSpec, settings: RunSettings, cleanups: CleanupRegistry, use: (session: Session) => Promise<void>): Promise<SessionOutcome> {
  const session = await openSession(spec, settings, cleanups);
  if (!isOpen(session)) return session;
  let failure: string | undefined;
  try {
    await use(session);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  const outcome = await session.close();
  if (failure) outcome.failure = failure;
  return outcome;
}
