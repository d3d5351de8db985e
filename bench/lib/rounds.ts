/**
 * The rounds. This machine is shared: the same scenario moves by ±20 % from one minute to the
 * next as other work comes and goes, so a ratio between two runs far apart in time measures the
 * neighbours as much as our code. Each round therefore runs the scenarios in blocks, one per
 * flow, and each block starts with its own run of the reference:
 *
 *   reference, sqlite, redis | reference, sqlite-totp, redis-totp | reference, sqlite-sms, … | …
 *
 * so every scenario's ratio is to a reference measured at most two runs (about 15 s) earlier,
 * not minutes earlier as with one reference per round; this costs one reference run per flow
 * (15 runs a round instead of 11), which we judged worth it. The order inside a block flips
 * every other round, so neither store always runs right after the reference. The report takes,
 * per scenario, the median over rounds of these per-round ratios (lib/summary.ts).
 *
 * Each block's reference is a server and driver of its own (lib/scenario-sessions.ts), so the
 * reference runs once per round like every other scenario. With one reference leading every
 * block, it ran every 15 s while ours ran every two minutes, and a process that has sat idle for
 * minutes spends more CPU per sign-in in its next run (on 2026-12-03 the same driver code doing
 * the same flow: about 3 ms when run every 15 s, about 7 ms after 100 s idle): the reference was
 * measured hot and ours cold. Why idle costs that was not found (not page faults, not V8's
 * bytecode flushing or memory reducer).
 */
import { loadAverage } from './machine.ts';
import { measureRun, type RunResult } from './run-scenario.ts';
import type { RunSettings } from './run-settings.ts';
import type { ScenarioSession } from './scenario-sessions.ts';
import { FIRST_WARMUP_MS, roundPlan } from './round-plan.ts';

const cpuLine = (run: RunResult) => (run.serverCpuMs === undefined ? '' : `, CPU per sign-in: server ${run.serverCpuMs} ms, driver ${run.driverCpuMs ?? 'n/a'} ms`);

/** Runs every round; a scenario whose run failed is left out of the later rounds. */
export async function runRounds(sessions: ScenarioSession[], settings: RunSettings): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  const started = sessions.filter((s) => s.session);
  const broken = new Set<ScenarioSession>();
  for (let round = 1; round <= settings.rounds; round += 1) {
    console.error(`bench: round ${round}/${settings.rounds} (${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s per run, ${settings.concurrency} concurrent flows)`);
    let referenceRate: number | undefined;
    let referenceCpuMs: number | undefined;
    for (const { scenario, leads } of roundPlan(started.map((s) => s.scenario), round)) {
      const entry = started.find((s) => s.scenario === scenario && s.leads === leads)!;
      if (broken.has(entry)) {
        if (scenario.reference) [referenceRate, referenceCpuMs] = [undefined, undefined];
        continue;
      }
      const warmupMs = entry.runs === 0 ? Math.max(FIRST_WARMUP_MS, settings.warmupMs) : settings.warmupMs;
      const run = await measureRun(entry.session!, scenario, settings, round, warmupMs, loadAverage());
      entry.runs += 1;
      if (run.failure) {
        broken.add(entry);
        console.error(`bench: ${scenario.name} failed (left out of later rounds): ${run.failure}`);
      }
      if (scenario.reference) [referenceRate, referenceCpuMs] = run.failure ? [undefined, undefined] : [run.signInsPerSecond, run.serverCpuMs];
      else {
        if (referenceRate && run.signInsPerSecond !== undefined) run.vsReference = run.signInsPerSecond / referenceRate;
        if (referenceCpuMs !== undefined && run.serverCpuMs !== undefined) run.serverCpuOverReferenceMs = Math.round((run.serverCpuMs - referenceCpuMs) * 10) / 10;
      }
      runs.push(run);
      const vs = run.vsReference === undefined ? '' : ` (${run.vsReference.toFixed(2)}× the reference just before)`;
      console.error(`bench:   ${scenario.name}: ${run.signInsPerSecond?.toFixed(1) ?? 'n/a'} sign-ins/s${vs}${run.otherCores !== undefined ? `, others ${run.otherCores.toFixed(2)} cores` : ''}${cpuLine(run)}`);
    }
  }
  return runs;
}
