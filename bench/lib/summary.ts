/**
 * From the rounds' runs to one row per scenario: medians over rounds, and the ratios as the
 * median of per-round ratios with their spread (min–max). Why medians of ratios and not ratios
 * of medians: each per-round ratio compares two runs close in time (lib/rounds.ts), so the
 * machine's drift between rounds cancels inside it; the median then drops a round that a
 * neighbour disturbed, and the spread shows how far the rounds disagreed.
 */
import { SCENARIOS, type Scenario } from '../scenarios.ts';
import type { CallsPerSignIn } from './count-calls.ts';
import type { PoolKind, PoolUsage } from './protocol.ts';
import type { RunResult } from './run-scenario.ts';
import type { ScenarioSession } from './scenario-sessions.ts';
import type { SessionOutcome } from './server-session.ts';

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many rounds gave a value. */
  n: number;
}

export interface ScenarioResult extends SessionOutcome {
  scenario: string;
  store: string;
  flow: string;
  reference?: boolean;
  /** Runs without failure (the reference has one per flow and round). */
  rounds: number;
  /** Measured flows and errors (warm-ups' errors included), summed over rounds. */
  flows: number;
  errors: number;
  /** Medians over rounds. */
  signInsPerSecond?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Per-round ratio to the reference run that led this run's block. */
  vsReference?: Spread;
  /** Per-round ratio to the password flow on the same store (see vsPasswordOnly below). */
  vsPasswordOnly?: Spread;
  /** Medians over rounds of CPU ms per sign-in (lib/cpu-share.ts): the server's, the driver's, and the server's over its block's reference. */
  serverCpuMs?: number;
  driverCpuMs?: number;
  serverCpuOverReference?: Spread;
  peakRssMiB?: number;
  /** The most cores other processes kept busy during any of its runs. */
  otherCoresMax?: number;
  /** Pool usage over the driver's life (the calls count and every round, warm-ups included). */
  poolUsage?: Partial<Record<PoolKind, PoolUsage>>;
  errorSamples: { message: string; count: number }[];
  calls?: CallsPerSignIn;
  runs: RunResult[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function spread(values: number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

const defined = (values: (number | undefined)[]) => values.filter((v): v is number => v !== undefined && !Number.isNaN(v));

/**
 * A second-factor run against the password run on the same store in the same round. When both
 * have a ratio to their block's reference, the quotient of those ratios: each was taken against a
 * reference measured close in time, so drift between the two blocks (a minute apart) cancels.
 * Without the reference (--scenarios left it out), the plain quotient of their rates.
 */
function vsPasswordOnly(run: RunResult, password: RunResult | undefined): number | undefined {
  if (!password || password.failure || run.failure) return undefined;
  if (run.vsReference !== undefined && password.vsReference) return run.vsReference / password.vsReference;
  return run.signInsPerSecond !== undefined && password.signInsPerSecond ? run.signInsPerSecond / password.signInsPerSecond : undefined;
}

/** The driver keeps its pools for its whole life, so the last run's usage covers everything before it. */
function poolUsage(runs: RunResult[]): Partial<Record<PoolKind, PoolUsage>> | undefined {
  const last = runs.findLast((r) => r.driver?.pools && Object.keys(r.driver.pools).length);
  return last?.driver?.pools;
}

function errorSamples(runs: RunResult[]): { message: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const sample of runs.flatMap((r) => r.driver?.errorSamples ?? [])) counts.set(sample.message, (counts.get(sample.message) ?? 0) + sample.count);
  return [...counts].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count);
}

export function summarise(scenario: Scenario, entry: ScenarioSession, allRuns: RunResult[], calls: CallsPerSignIn | undefined): ScenarioResult {
  const runs = allRuns.filter((r) => r.scenario === scenario.name);
  const good = runs.filter((r) => !r.failure && r.driver);
  const passwordName = SCENARIOS.find((s) => s.flow === 'password' && s.store === scenario.store && !s.reference)?.name;
  const passwordRun = (round: number) => allRuns.find((r) => r.scenario === passwordName && r.round === round);
  const failure = entry.outcome?.failure ?? runs.find((r) => r.failure)?.failure;
  return {
    ...(entry.outcome ?? { serverLogProblems: [] }),
    ...(failure ? { failure } : {}),
    scenario: scenario.name,
    store: scenario.store,
    flow: scenario.flow,
    ...(scenario.reference ? { reference: true } : {}),
    rounds: good.length,
    flows: good.reduce((sum, r) => sum + r.driver!.flows, 0),
    errors: runs.reduce((sum, r) => sum + (r.driver?.errors ?? 0) + (r.driver?.warmupErrors ?? 0), 0),
    signInsPerSecond: good.length ? median(defined(good.map((r) => r.signInsPerSecond))) : undefined,
    p50Ms: spread(defined(good.map((r) => r.driver!.latencyMs?.p50)))?.median,
    p99Ms: spread(defined(good.map((r) => r.driver!.latencyMs?.p99)))?.median,
    vsReference: scenario.reference ? { median: 1, min: 1, max: 1, n: good.length } : spread(defined(good.map((r) => r.vsReference))),
    vsPasswordOnly: scenario.flow === 'password' ? undefined : spread(defined(good.map((r) => vsPasswordOnly(r, passwordRun(r.round))))),
    serverCpuMs: good.length ? spread(defined(good.map((r) => r.serverCpuMs)))?.median : undefined,
    driverCpuMs: good.length ? spread(defined(good.map((r) => r.driverCpuMs)))?.median : undefined,
    serverCpuOverReference: scenario.reference ? undefined : spread(defined(good.map((r) => r.serverCpuOverReferenceMs))),
    peakRssMiB: entry.peakRssMiB,
    otherCoresMax: defined(runs.map((r) => r.otherCores)).reduce<number | undefined>((max, c) => Math.max(max ?? 0, c), undefined),
    poolUsage: poolUsage(runs),
    errorSamples: errorSamples(runs),
    ...(calls ? { calls } : {}),
    runs,
  };
}
