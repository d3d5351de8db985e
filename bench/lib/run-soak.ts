/**
 * `--soak <s>`: every kind of sign-in (SOAK_FLOWS) at once against one of our servers for `s`
 * seconds, after a warm-up, with the server's RSS sampled every second, and its heap measured
 * after a full GC (--expose-gc) when the measured phase starts and when it has ended: what
 * grows over a long run (a leak) rather than how fast one sign-in is.
 */
import type { ChildProcess } from 'node:child_process';
import { POOL_OF_FLOW, SOAK_FLOWS } from '../scenarios.ts';
import { poolSize } from './account-pool.ts';
import type { SoakOptions } from './args.ts';
import os from 'node:os';
import { nextMessage, peakRssKiB, rssKiB } from './children.ts';
import { cpuSnapshot, otherCores } from './cpu-share.ts';
import type { DriverMessage, DriverResult, PoolSizes, ServerMessage } from './protocol.ts';
import type { CleanupRegistry, RunSettings } from './run-settings.ts';
import { withServer, type SessionOutcome } from './server-session.ts';

export interface RssSample {
  /** Seconds from the start of the measured phase (negative during the warm-up). */
  t: number;
  mib: number;
}

export interface SoakMemory {
  readyMiB?: number;
  startMiB?: number;
  endMiB?: number;
  growthMiB?: number;
  /** Least-squares slope of the measured phase's samples, and of its second half's (still growing, or levelling off?). */
  trendMiBPerMinute?: number;
  secondHalfTrendMiBPerMinute?: number;
  peakSampledMiB?: number;
  /** VmHWM: the peak since the process started, the pools' enrolment included. */
  vmHwmMiB?: number;
  /** V8's heap, and memory outside it held by JS objects (Buffers...), after a full GC. */
  heapAfterGc?: { startMiB: number; endMiB: number; totalStartMiB?: number; totalEndMiB?: number; externalStartMiB: number; externalEndMiB: number; gcRan: boolean };
  samples: RssSample[];
}

export interface SoakResult extends SessionOutcome {
  store: string;
  flows: string[];
  driver?: DriverResult;
  signInsPerSecond?: number;
  memory: SoakMemory;
  /** Cores other processes (Redis included) kept busy during the measured phase. */
  otherCores?: number;
}

const MiB = (kib: number | undefined) => (kib === undefined ? undefined : Math.round((kib / 1024) * 10) / 10);

function slopePerMinute(samples: RssSample[]): number | undefined {
  if (samples.length < 3) return undefined;
  const n = samples.length;
  const meanT = samples.reduce((sum, s) => sum + s.t, 0) / n;
  const meanM = samples.reduce((sum, s) => sum + s.mib, 0) / n;
  const covariance = samples.reduce((sum, s) => sum + (s.t - meanT) * (s.mib - meanM), 0);
  const variance = samples.reduce((sum, s) => sum + (s.t - meanT) ** 2, 0);
  return variance ? Math.round((covariance / variance) * 60 * 100) / 100 : undefined;
}

async function heapAfterGc(server: ChildProcess): Promise<{ mib: number; totalMiB: number; externalMiB: number; gcRan: boolean }> {
  const answer = nextMessage<ServerMessage>(server, 'server memory report', 30_000);
  server.send({ type: 'memory', gc: true });
  const report = await answer;
  if (report.type !== 'memory') throw new Error(`the server answered a memory request with ${report.type}`);
  return { mib: MiB(report.heapUsedKiB)!, totalMiB: MiB(report.heapTotalKiB)!, externalMiB: MiB(report.externalKiB)!, gcRan: report.gcRan };
}

export async function runSoak(soak: SoakOptions, settings: RunSettings, cleanups: CleanupRegistry): Promise<SoakResult> {
  // Each kind runs about 1/5 of the time: pools sized for a fifth of the single-flow peak.
  const pools: PoolSizes = {};
  for (const kind of SOAK_FLOWS.map((flow) => POOL_OF_FLOW[flow])) if (kind) pools[kind] = poolSize(kind, settings, 70 / SOAK_FLOWS.length);
  const memory: SoakMemory = { samples: [] };
  const result: Partial<SoakResult> = {};
  const outcome = await withServer({ name: `soak-${soak.store}`, server: 'servers/our-server.ts', store: soak.store, pools, execArgv: ['--expose-gc'] }, settings, cleanups, async ({ server, driver, job }) => {
    let measuringSince: number | undefined;
    const warmupStart = performance.now();
    const sample = () => {
      const mib = MiB(rssKiB(server.pid));
      if (mib !== undefined) memory.samples.push({ t: Math.round((performance.now() - (measuringSince ?? warmupStart + settings.warmupMs)) / 100) / 10, mib });
    };
    memory.readyMiB = MiB(rssKiB(server.pid));
    const sampler = setInterval(sample, 1_000);
    try {
      const measuring = nextMessage<DriverMessage>(driver, 'soak load driver (warm-up)', settings.warmupMs + settings.flowTimeoutMs + 15_000);
      driver.send(job(SOAK_FLOWS, { announcePhases: true }));
      const first = await measuring;
      if (first.type !== 'measuring') throw new Error(`soak load driver failed: ${first.type === 'failed' ? first.message : first.type}`);
      const answer = nextMessage<DriverMessage>(driver, 'soak load driver', settings.durationMs + settings.flowTimeoutMs + 45_000);
      measuringSince = performance.now();
      const cpuBefore = cpuSnapshot([server.pid, driver.pid]);
      memory.startMiB = MiB(rssKiB(server.pid));
      const heapStart = await heapAfterGc(server);
      const outcome = await answer;
      memory.endMiB = MiB(rssKiB(server.pid));
      result.otherCores = otherCores(cpuBefore, cpuSnapshot([server.pid, driver.pid]), os.availableParallelism());
      clearInterval(sampler);
      if (outcome.type !== 'result') throw new Error(`soak load driver failed: ${outcome.type === 'failed' ? outcome.message : outcome.type}`);
      result.driver = outcome;
      result.signInsPerSecond = outcome.elapsedMs > 0 ? (outcome.flows * 1000) / outcome.elapsedMs : 0;
      const heapEnd = await heapAfterGc(server);
      memory.heapAfterGc = { startMiB: heapStart.mib, endMiB: heapEnd.mib, totalStartMiB: heapStart.totalMiB, totalEndMiB: heapEnd.totalMiB, externalStartMiB: heapStart.externalMiB, externalEndMiB: heapEnd.externalMiB, gcRan: heapStart.gcRan && heapEnd.gcRan };
      memory.vmHwmMiB = MiB(peakRssKiB(server.pid));
    } finally {
      clearInterval(sampler);
    }
    if (memory.startMiB !== undefined && memory.endMiB !== undefined) memory.growthMiB = Math.round((memory.endMiB - memory.startMiB) * 10) / 10;
    memory.peakSampledMiB = Math.max(...memory.samples.map((s) => s.mib), memory.startMiB ?? 0, memory.endMiB ?? 0);
    memory.trendMiBPerMinute = slopePerMinute(memory.samples.filter((s) => s.t >= 0));
    memory.secondHalfTrendMiBPerMinute = slopePerMinute(memory.samples.filter((s) => s.t >= settings.durationMs / 2000));
  });
  return { store: soak.store, flows: SOAK_FLOWS, memory, ...outcome, ...result };
}
