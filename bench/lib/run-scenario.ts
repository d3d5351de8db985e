/**
 * One measured run of one scenario in one round: the scenario's driver repeats its flow against
 * the scenario's server (both started once for every round, lib/scenario-sessions.ts) through a
 * warm-up and a measured phase.
 */
import os from 'node:os';
import type { Scenario } from '../scenarios.ts';
import { nextMessage } from './children.ts';
import { cpuMsPerSignIn, cpuSnapshot, otherCores } from './cpu-share.ts';
import type { DriverMessage, DriverResult } from './protocol.ts';
import type { OpenSession } from './server-session.ts';
import type { RunSettings } from './run-settings.ts';

export interface RunResult {
  scenario: string;
  /** 1-based. */
  round: number;
  failure?: string;
  driver?: DriverResult;
  signInsPerSecond?: number;
  /** signInsPerSecond over that of the reference run that led this run's block (lib/rounds.ts). */
  vsReference?: number;
  /** 1-minute load average when the run started. */
  loadAverage1m?: number;
  /** Cores other processes (Redis included) kept busy during the warm-up and measured phases. */
  otherCores?: number;
  /** CPU ms per sign-in of the scenario's server and of its load driver, warm-up included (lib/cpu-share.ts). */
  serverCpuMs?: number;
  driverCpuMs?: number;
  /** serverCpuMs minus that of the reference run that led this run's block: what our server adds per sign-in. */
  serverCpuOverReferenceMs?: number;
}

export async function measureRun(session: OpenSession, scenario: Scenario, settings: RunSettings, round: number, warmupMs: number, loadAverage1m: number): Promise<RunResult> {
  const run: RunResult = { scenario: scenario.name, round, loadAverage1m };
  const { server, driver } = session;
  const limit = warmupMs + settings.durationMs + settings.flowTimeoutMs + 15_000;
  try {
    const answer = nextMessage<DriverMessage>(driver, `${scenario.name} load driver`, limit);
    const before = cpuSnapshot([server.pid, driver.pid]);
    driver.send(session.job([scenario.flow], { warmupMs }));
    const result = await answer;
    const after = cpuSnapshot([server.pid, driver.pid]);
    run.otherCores = otherCores(before, after, os.availableParallelism());
    if (result.type !== 'result') throw new Error(`${scenario.name} load driver failed: ${result.type === 'failed' ? result.message : result.type}`);
    // Warm-up flows count too: the CPU readings span both phases.
    const signIns = result.flows + result.warmupFlows;
    if (before && after) {
      run.serverCpuMs = cpuMsPerSignIn(before.each[0]!, after.each[0]!, signIns);
      run.driverCpuMs = cpuMsPerSignIn(before.each[1]!, after.each[1]!, signIns);
    }
    run.driver = result;
    run.signInsPerSecond = result.elapsedMs > 0 ? (result.flows * 1000) / result.elapsedMs : 0;
  } catch (error) {
    run.failure = error instanceof Error ? error.message : String(error);
  }
  return run;
}
