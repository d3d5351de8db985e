/**
 * The block `npm run bench` prints after its report, ready to paste into README.md, and writes
 * to bench/results/latest.md: when and where it ran, the table, and how noisy such numbers are
 * here (from the earlier runs kept in bench/results/ with the same machine and settings).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FLOW_LEGEND, resultTable, type Machine } from './report.ts';
import type { RunSettings, ScenarioResult } from './run-scenario.ts';

interface StoredRun {
  machine?: Partial<Machine>;
  settings?: Partial<RunSettings>;
  results?: { scenario?: string; signInsPerSecond?: number; failure?: string }[];
}

/** The reference's sign-ins/s in earlier comparable runs (same CPU, nproc and timing, unprofiled). */
function earlierReferenceRates(resultsDir: string, machine: Machine, settings: RunSettings, referenceName: string): number[] {
  let files: string[] = [];
  try {
    files = readdirSync(resultsDir).filter((name) => /^\d{4}-.*\.json$/.test(name));
  } catch {
    return [];
  }
  const rates: number[] = [];
  for (const name of files) {
    let run: StoredRun;
    try {
      run = JSON.parse(readFileSync(path.join(resultsDir, name), 'utf8')) as StoredRun;
    } catch {
      continue;
    }
    const same = run.machine?.cpuModel === machine.cpuModel && run.machine.nproc === machine.nproc && run.machine.date !== machine.date
      && run.settings?.concurrency === settings.concurrency && run.settings.durationMs === settings.durationMs
      && run.settings.warmupMs === settings.warmupMs && !run.settings.cpuProfDir;
    const rate = run.results?.find((r) => r.scenario === referenceName && !r.failure)?.signInsPerSecond;
    if (same && rate) rates.push(rate);
  }
  return rates;
}

function noiseNote(resultsDir: string, machine: Machine, settings: RunSettings, results: ScenarioResult[], referenceName: string): string {
  const others = results.map((r) => r.otherCores).filter((cores) => cores !== undefined);
  const neighbours = others.length ? `, other processes (Redis included) at most ${Math.max(...others).toFixed(2)} cores busy during any scenario` : '';
  const base = `Noise: one ${settings.durationMs / 1000} s run per scenario, the load driver sharing the machine's ${machine.nproc} cores with the server (and Redis), load average ${machine.loadAverage1m} before the run${neighbours}`;
  const current = results.find((r) => r.scenario === referenceName && !r.failure)?.signInsPerSecond;
  const rates = [...earlierReferenceRates(resultsDir, machine, settings, referenceName), ...(current ? [current] : [])].sort((a, b) => a - b);
  if (rates.length < 3) return `${base}; repeat the run to see how far the numbers move, and compare ratios within one run rather than absolute numbers.`;
  const median = rates[Math.floor(rates.length / 2)]!;
  const spread = Math.round((Math.max(median - rates[0]!, rates.at(-1)! - median) / median) * 100);
  return `${base}; over the last ${rates.length} comparable runs here the reference ranged ${rates[0]!.toFixed(0)}–${rates.at(-1)!.toFixed(0)} sign-ins/s (±${spread} % around its median), so read differences smaller than that as noise and compare ratios within one run.`;
}

export function readmeBlock(benchDir: string, machine: Machine, settings: RunSettings, results: ScenarioResult[], referenceName: string): string {
  const resultsDir = path.join(benchDir, 'results');
  return [
    '### Benchmark',
    '',
    `Complete sign-ins per second, authorize → password [→ second factor] → consent → code → token, measured with \`npm run bench\` on ${machine.date.slice(0, 10)}.`,
    `Machine: ${machine.nproc} × ${machine.cpuModel}, ${machine.totalMemGiB} GiB memory, Node ${machine.node}. ${settings.concurrency} concurrent flows from a separate process, ${settings.warmupMs / 1000} s warm-up and ${settings.durationMs / 1000} s measured per scenario; "reference" is a bare oidc-provider taking the same steps (argon2id password check, consent form) with its in-memory adapter.`,
    '',
    ...resultTable(results, referenceName),
    '',
    `Flows: ${FLOW_LEGEND}. SMS runs with the bench's raised SMS budget (bench/scenarios.ts), not the default caps.`,
    noiseNote(resultsDir, machine, settings, results, referenceName),
  ].join('\n');
}

/** bench/results/latest.md; returns its path. */
export function writeLatest(benchDir: string, block: string): string {
  const file = path.join(benchDir, 'results', 'latest.md');
  writeFileSync(file, `${block}\n`);
  return file;
}
