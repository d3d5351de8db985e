/**
 * One scenario: its server with the pool its flow needs (lib/server-session.ts), the driver
 * repeating the flow through a warm-up and a measured phase, and the server's peak RSS.
 */
import { POOL_OF_FLOW, type Scenario } from '../scenarios.ts';
import { poolSize } from './account-pool.ts';
import os from 'node:os';
import { nextMessage, peakRssKiB } from './children.ts';
import { cpuSnapshot, otherCores } from './cpu-share.ts';
import type { DriverMessage, DriverResult } from './protocol.ts';
import { withServer, type SessionOutcome } from './server-session.ts';

export interface RunSettings {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  flowTimeoutMs: number;
  /** When set, every server child runs with --cpu-prof and writes <scenario>.cpuprofile here. */
  cpuProfDir?: string;
}

export interface ScenarioResult extends SessionOutcome {
  scenario: string;
  store: string;
  flow: string;
  driver?: DriverResult;
  signInsPerSecond?: number;
  peakRssMiB?: number;
  /** 1-minute load average when the scenario started. */
  loadAverage1m?: number;
  /** Cores other processes (Redis included) kept busy during the warm-up and measured phases. */
  otherCores?: number;
}

/** Sends cleanup work to the caller's signal handler while it is pending. */
export type CleanupRegistry = Set<() => Promise<unknown>>;

export async function runScenario(scenario: Scenario, settings: RunSettings, cleanups: CleanupRegistry, loadAverage1m?: number): Promise<ScenarioResult> {
  const poolKind = POOL_OF_FLOW[scenario.flow];
  const pools = poolKind && { [poolKind]: poolSize(poolKind, settings) };
  const measured: Partial<ScenarioResult> = {};
  const outcome = await withServer({ ...scenario, pools }, settings, cleanups, async ({ server, driver, job }) => {
    const limit = settings.warmupMs + settings.durationMs + settings.flowTimeoutMs + 15_000;
    const answer = nextMessage<DriverMessage>(driver, `${scenario.name} load driver`, limit);
    const before = cpuSnapshot([server.pid, driver.pid]);
    driver.send(job([scenario.flow]));
    const result = await answer;
    measured.otherCores = otherCores(before, cpuSnapshot([server.pid, driver.pid]), os.availableParallelism());
    if (result.type !== 'result') throw new Error(`${scenario.name} load driver failed: ${result.type === 'failed' ? result.message : result.type}`);
    measured.driver = result;
    measured.signInsPerSecond = result.elapsedMs > 0 ? (result.flows * 1000) / result.elapsedMs : 0;
    const peak = peakRssKiB(server.pid);
    if (peak !== undefined) measured.peakRssMiB = peak / 1024;
  });
  return { scenario: scenario.name, store: scenario.store, flow: scenario.flow, loadAverage1m, ...outcome, ...measured };
}
