/**
 * `npm run bench`: complete sign-ins per second and their latency, per scenario (bench/scenarios.ts),
 * in rounds (lib/rounds.ts), then what one sign-in costs the store (lib/count-calls.ts). Each
 * scenario's server runs in a child process of its own, driven by a load-driver child, both
 * started once for every round; this process only orchestrates, prints a Markdown report, then
 * a block ready to paste into README.md (also written to bench/results/latest.md), and writes
 * bench/results/<timestamp>.json.
 * `npm run bench -- --count-only`: only the calls count, with what each request of a sign-in costs.
 * `npm run bench -- --soak <s>`: mixed sign-ins against one server, its memory sampled
 * (lib/run-soak.ts); prints its own report and writes bench/results/soak-<timestamp>.json.
 * Exit code: 0 when everything ran without a single error, 1 otherwise, 2 for bad options.
 */
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE, type SoakOptions } from './lib/args.ts';
import { killAll, peakRssKiB } from './lib/children.ts';
import { countCalls, type CallsPerSignIn } from './lib/count-calls.ts';
import { describeMachine, loadAverage, writeJson } from './lib/machine.ts';
import { readmeBlock, writeLatest } from './lib/readme-block.ts';
import { countsReport, failed, markdownReport } from './lib/report.ts';
import { runRounds } from './lib/rounds.ts';
import type { RunResult } from './lib/run-scenario.ts';
import type { CleanupRegistry, RunSettings } from './lib/run-settings.ts';
import { closeScenarioSessions, openScenarioSessions, perScenario, type ScenarioSession } from './lib/scenario-sessions.ts';
import { summarise } from './lib/summary.ts';
import { runSoak } from './lib/run-soak.ts';
import { soakFailed, soakReport } from './lib/soak-report.ts';
import { SCENARIOS, type Scenario } from './scenarios.ts';

const BENCH_DIR = fileURLToPath(new URL('./', import.meta.url));
const cleanups: CleanupRegistry = new Set();

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping every child process and cleaning up`);
    killAll();
    const limit = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
    void Promise.race([Promise.allSettled([...cleanups].map((cleanup) => cleanup())), limit]).finally(() => process.exit(130));
  });
}

/**
 * The quiet calls count, for each of our scenarios, before the rounds: on servers whose accounts
 * have signed in only a few times, so the counts do not depend on how long the rounds ran (on
 * Redis an account's every sign-in costs more the more live grants it has; see count-calls.ts).
 */
async function countEveryScenario(sessions: ScenarioSession[], settings: RunSettings): Promise<Map<string, CallsPerSignIn>> {
  const counts = new Map<string, CallsPerSignIn>();
  if (settings.countSignIns === 0) return counts;
  for (const entry of sessions) {
    const { scenario, session } = entry;
    if (scenario.reference || !session) continue;
    console.error(`bench: counting store calls over ${settings.countSignIns} sequential ${scenario.name} sign-ins...`);
    const calls = await countCalls(session, scenario, settings);
    counts.set(scenario.name, calls);
    if (calls.signIns === 0) {
      // The driver may still answer the job it was given: stop the session rather than let that answer pass for a round's.
      console.error(`bench: ${scenario.name}: the calls count failed (${calls.failure}); left out of the rounds`);
      const peak = peakRssKiB(session.server.pid);
      if (peak !== undefined) entry.peakRssMiB = peak / 1024;
      entry.outcome = await session.close();
      entry.outcome.failure ??= `calls count: ${calls.failure}`;
      delete entry.session;
    }
  }
  return counts;
}

async function scenarios(settings: RunSettings, chosen: Scenario[]): Promise<number> {
  const machine = describeMachine();
  console.error(`bench: load average (1 min) ${machine.loadAverage1m} before starting ${chosen.length} scenarios' servers`);
  const sessions = await openScenarioSessions(chosen, settings, cleanups);
  let runs: RunResult[] = [];
  let counts = new Map<string, CallsPerSignIn>();
  try {
    counts = await countEveryScenario(sessions, settings);
    if (!settings.countOnly) runs = await runRounds(sessions, settings);
  } finally {
    await closeScenarioSessions(sessions);
  }
  machine.loadAverageEnd1m = loadAverage();
  const results = perScenario(sessions).map((entry) => summarise(entry.scenario, entry, runs, counts.get(entry.scenario.name)));
  if (settings.countOnly) {
    console.log(countsReport(machine, settings, results));
    console.error(`bench: results written to ${writeJson(BENCH_DIR, machine, settings, results)}`);
    return results.some(failed) ? 1 : 0;
  }
  console.log(markdownReport(machine, settings, results));
  const block = readmeBlock(machine, settings, results);
  console.error(`bench: results written to ${writeJson(BENCH_DIR, machine, settings, results)}`);
  // Only an unprofiled run of every scenario with 3 rounds or more replaces latest.md: a partial table must not.
  const complete = SCENARIOS.filter((s) => !s.countedOnly && !s.onlyWhenNamed).every((s) => chosen.includes(s)) && !settings.cpuProfDir && settings.rounds >= 3;
  const where = complete ? `also in ${writeLatest(BENCH_DIR, block)}` : 'not written to results/latest.md: only an unprofiled run of every scenario, 3 rounds or more, is';
  console.log(`\n---\n\nFor README.md (${where}):\n\n${block}`);
  return results.some(failed) ? 1 : 0;
}

async function soak(settings: RunSettings, options: SoakOptions): Promise<number> {
  const machine = describeMachine();
  console.error(`bench: soak on ${options.store}, ${settings.warmupMs / 1000} s warm-up + ${options.seconds} s, ${settings.concurrency} flow loops; load average (1 min) ${machine.loadAverage1m} before it`);
  const result = await runSoak(options, settings, cleanups);
  machine.loadAverageEnd1m = loadAverage();
  console.log(soakReport(machine, settings, result));
  console.error(`bench: results written to ${writeJson(BENCH_DIR, machine, settings, result, 'soak-')}`);
  return soakFailed(result) ? 1 : 0;
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  return options.soak ? soak(options.settings, options.soak) : scenarios(options.settings, options.scenarios);
}

main().then(
  (code) => {
    killAll();
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('bench failed:', error);
    killAll();
    process.exitCode = 1;
  },
);
