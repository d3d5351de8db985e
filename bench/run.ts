/**
 * `npm run bench`: complete sign-ins per second and their latency, per scenario (bench/scenarios.ts).
 * Each server runs in a child process of its own, driven by a load-driver child; this process
 * only orchestrates, prints a Markdown report, then a block ready to paste into README.md (also
 * written to bench/results/latest.md), and writes bench/results/<timestamp>.json.
 * `npm run bench -- --soak <s>`: mixed sign-ins against one server, its memory sampled
 * (lib/run-soak.ts); prints its own report and writes bench/results/soak-<timestamp>.json.
 * Exit code: 0 when everything ran without a single error, 1 otherwise, 2 for bad options.
 */
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE, type SoakOptions } from './lib/args.ts';
import { killAll } from './lib/children.ts';
import { readmeBlock, writeLatest } from './lib/readme-block.ts';
import { describeMachine, failed, loadAverage, markdownReport, writeJson } from './lib/report.ts';
import { runScenario, type CleanupRegistry, type RunSettings, type ScenarioResult } from './lib/run-scenario.ts';
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

async function scenarios(settings: RunSettings, chosen: Scenario[]): Promise<number> {
  const machine = describeMachine();
  console.error(`bench: load average (1 min) ${machine.loadAverage1m} before the first scenario`);
  const results: ScenarioResult[] = [];
  for (const scenario of chosen) {
    console.error(`bench: ${scenario.name} (${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s, ${settings.concurrency} concurrent flows)...`);
    const result = await runScenario(scenario, settings, cleanups, loadAverage());
    results.push(result);
    if (result.failure) console.error(`bench: ${scenario.name} failed: ${result.failure}`);
  }
  machine.loadAverageEnd1m = loadAverage();
  const referenceName = SCENARIOS.find((s) => s.reference)!.name;
  console.log(markdownReport(machine, settings, results, referenceName));
  // Before this run's JSON exists, so the noise note compares with earlier runs only.
  const block = readmeBlock(BENCH_DIR, machine, settings, results, referenceName);
  console.error(`bench: results written to ${writeJson(BENCH_DIR, machine, settings, results)}`);
  // Only a run of every scenario, unprofiled, replaces latest.md: a partial table must not.
  const complete = SCENARIOS.every((s) => chosen.includes(s)) && !settings.cpuProfDir;
  const where = complete ? `also in ${writeLatest(BENCH_DIR, block)}` : 'not written to results/latest.md: only an unprofiled run of every scenario is';
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
