/**
 * One scenario: a fresh temporary DATA_DIR (and Redis prefix), the server child, the driver
 * child, peak RSS of the server, then everything stopped and cleaned up, even on failure.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REDIS_URL, type Scenario } from '../scenarios.ts';
import { nextMessage, peakRssKiB, startChild, stopChild } from './children.ts';
import type { DriverJob, DriverMessage, DriverResult, ServerMessage, ServerOptions } from './protocol.ts';
import { deleteRedisPrefix, randomRedisPrefix } from './redis-cleanup.ts';
import { totpPoolSize } from './totp-pool.ts';

export interface RunSettings {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  flowTimeoutMs: number;
  /** When set, every server child runs with --cpu-prof and writes <scenario>.cpuprofile here. */
  cpuProfDir?: string;
}

export interface ScenarioResult {
  scenario: string;
  store: string;
  flow: string;
  /** Set when the scenario could not run to the end (server did not start, driver failed...). */
  failure?: string;
  driver?: DriverResult;
  signInsPerSecond?: number;
  peakRssMiB?: number;
  /** warn/error lines the server logged (JSON logs) or wrote to stderr, first few kept. */
  serverLogProblems: string[];
  redisKeysDeleted?: number;
  /** TOTP scenarios: the pool the server enrolled before the measured phases, and how long that took. */
  totpAccounts?: { count: number; enrolMs: number };
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

/** Sends cleanup work to the caller's signal handler while it is pending. */
export type CleanupRegistry = Set<() => Promise<unknown>>;

export async function runScenario(scenario: Scenario, settings: RunSettings, cleanups: CleanupRegistry): Promise<ScenarioResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `oidc-mfa-bench-${scenario.name}-`));
  const logFile = path.join(dataDir, 'server.log');
  const logFd = openSync(logFile, 'a');
  const redisPrefix = scenario.store === 'redis' ? randomRedisPrefix() : undefined;
  const result: ScenarioResult = { scenario: scenario.name, store: scenario.store, flow: scenario.flow, serverLogProblems: [] };
  const cleanup = async () => {
    if (redisPrefix) result.redisKeysDeleted = await deleteRedisPrefix(REDIS_URL, redisPrefix);
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);

  const totpAccounts = scenario.totpAccounts ? totpPoolSize(settings) : undefined;
  const options: ServerOptions = { store: scenario.store, dataDir, redisUrl: redisPrefix && REDIS_URL, redisPrefix, totpAccounts };
  const profile = settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`, `--cpu-prof-name=${scenario.name}.cpuprofile`] : [];
  const server = startChild(scenario.server, [JSON.stringify(options)], logFd, profile);
  const driver = startChild('driver.ts', []);
  try {
    const startLimit = SERVER_START_LIMIT_MS + (totpAccounts ?? 0) * ENROL_LIMIT_PER_ACCOUNT_MS;
    if (totpAccounts) console.error(`bench: ${scenario.name}: enrolling ${totpAccounts} accounts with TOTP first (not measured)...`);
    const ready = await nextMessage<ServerMessage>(server, `${scenario.name} server`, startLimit);
    if (ready.type !== 'ready') throw new Error(`${scenario.name} server did not start: ${ready.message}`);
    if (totpAccounts && ready.totp?.accounts.length !== totpAccounts) throw new Error(`${scenario.name} server did not enrol the ${totpAccounts} TOTP accounts asked for`);
    if (ready.totp) {
      result.totpAccounts = { count: ready.totp.accounts.length, enrolMs: ready.totp.enrolMs };
      console.error(`bench: ${scenario.name}: ${ready.totp.accounts.length} accounts enrolled in ${(ready.totp.enrolMs / 1000).toFixed(1)} s`);
    }

    const { cpuProfDir: _, ...timing } = settings;
    const job: DriverJob = { type: 'job', flow: scenario.flow, baseUrl: ready.baseUrl, client: ready.client, account: ready.account, totpAccounts: ready.totp?.accounts, ...timing };
    const limit = settings.warmupMs + settings.durationMs + settings.flowTimeoutMs + 15_000;
    const answer = nextMessage<DriverMessage>(driver, `${scenario.name} load driver`, limit);
    driver.send(job);
    const outcome = await answer;
    if (outcome.type !== 'result') throw new Error(`${scenario.name} load driver failed: ${outcome.message}`);

    result.driver = outcome;
    result.signInsPerSecond = outcome.elapsedMs > 0 ? (outcome.flows * 1000) / outcome.elapsedMs : 0;
    const peak = peakRssKiB(server.pid);
    if (peak !== undefined) result.peakRssMiB = peak / 1024;
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
  } finally {
    // A profiled server writes its .cpuprofile on the way out: give it longer before SIGKILL.
    await Promise.all([stopChild(driver, 'signal'), stopChild(server, 'message', settings.cpuProfDir ? 30_000 : 5_000)]);
    closeSync(logFd);
    result.serverLogProblems = logProblems(logFile);
    try {
      await cleanup();
    } catch (error) {
      result.failure ??= `cleanup failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    cleanups.delete(cleanup);
  }
  return result;
}
