/**
 * The block `npm run bench` prints after its report, ready to paste into README.md, and writes
 * to bench/results/latest.md: when and where it ran, the tables, and how noisy the machine was
 * during this run (how far the reference's own runs moved).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { callsNote, callsTable } from './calls-table.ts';
import type { Machine } from './machine.ts';
import { FLOW_LEGEND, methodLine, resultTable, tableNote } from './report.ts';
import type { RunSettings } from './run-settings.ts';
import type { ScenarioResult } from './summary.ts';

function noiseNote(machine: Machine, results: ScenarioResult[]): string {
  const others = results.map((r) => r.otherCoresMax).filter((cores) => cores !== undefined);
  const neighbours = others.length ? `; other processes (Redis included) kept at most ${Math.max(...others).toFixed(2)} cores busy during any run` : '';
  const base = `Noise: the load driver shares the machine's ${machine.nproc} cores with the server (and Redis); load average ${machine.loadAverage1m} before the run, ${machine.loadAverageEnd1m ?? 'n/a'} after${neighbours}`;
  const reference = results.find((r) => r.reference && !r.failure);
  const rates = (reference?.runs ?? []).map((r) => r.signInsPerSecond).filter((rate): rate is number => rate !== undefined).sort((a, b) => a - b);
  if (rates.length < 2 || !reference?.signInsPerSecond) return `${base}.`;
  const median = reference.signInsPerSecond;
  const spread = Math.round((Math.max(median - rates[0]!, rates.at(-1)! - median) / median) * 100);
  return `${base}. The reference's own ${rates.length} runs in this run ranged ${rates[0]!.toFixed(0)}–${rates.at(-1)!.toFixed(0)} sign-ins/s (±${spread} % around their median): compare ratios, which are taken against a reference measured just before, rather than absolute rates, and read a ratio's bracket as how far rounds disagreed.`;
}

export function readmeBlock(machine: Machine, settings: RunSettings, results: ScenarioResult[]): string {
  const counted = results.filter((r) => r.calls);
  return [
    '### Benchmark',
    '',
    `Complete sign-ins per second, authorize → password [→ second factor] → consent → code → token, measured with \`npm run bench\` on ${machine.date.slice(0, 10)}.`,
    `Machine: ${machine.nproc} × ${machine.cpuModel}, ${machine.totalMemGiB} GiB memory, Node ${machine.node}. ${methodLine(settings)}; "reference" is a bare oidc-provider taking the same steps (argon2id password check, consent form) with its in-memory adapter.`,
    '',
    ...resultTable(results),
    '',
    tableNote(settings),
    `Flows: ${FLOW_LEGEND}. SMS runs with the bench's raised SMS budget (bench/scenarios.ts), not the default caps.`,
    noiseNote(machine, results),
    ...(counted.length ? ['', '**Store calls and Redis commands per sign-in**', '', ...callsTable(counted), '', callsNote(settings)] : []),
  ].join('\n');
}

/** bench/results/latest.md; returns its path. */
export function writeLatest(benchDir: string, block: string): string {
  const file = path.join(benchDir, 'results', 'latest.md');
  writeFileSync(file, `${block}\n`);
  return file;
}
