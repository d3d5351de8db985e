/**
 * `npm run bench`: complete sign-ins per second and their latency, per scenario (bench/scenarios.ts).
 * Each server runs in a child process of its own, driven by a load-driver child; this process
 * only orchestrates, prints a Markdown table and writes bench/results/<timestamp>.json.
 * Exit code: 0 when every scenario ran without a single error, 1 otherwise, 2 for bad options.
 */
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE } from './lib/args.ts';
import { killAll } from './lib/children.ts';
import { describeMachine, failed, markdownReport, writeJson } from './lib/report.ts';
import { runScenario, type CleanupRegistry, type ScenarioResult } from './lib/run-scenario.ts';
import { SCENARIOS } from './scenarios.ts';

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

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { settings, scenarios } = options;
  const machine = describeMachine();
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    console.error(`bench: ${scenario.name} (${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s, ${settings.concurrency} concurrent flows)...`);
    const result = await runScenario(scenario, settings, cleanups);
    results.push(result);
    if (result.failure) console.error(`bench: ${scenario.name} failed: ${result.failure}`);
  }
  const referenceName = SCENARIOS.find((s) => s.reference)!.name;
  console.log(markdownReport(machine, settings, results, referenceName));
  console.error(`bench: results written to ${writeJson(BENCH_DIR, machine, settings, results)}`);
  return results.some(failed) ? 1 : 0;
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
