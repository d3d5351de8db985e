/**
 * The Markdown report of `npm run bench`: how it ran, the results table (medians over rounds,
 * ratios with their spread), the store calls per sign-in (calls-table.ts), and the problems.
 */
import { BENCH_SMS_LIMITS } from '../scenarios.ts';
import { callsByStepTable, callsNote, callsTable } from './calls-table.ts';
import type { Machine } from './machine.ts';
import type { RunSettings } from './run-settings.ts';
import { FIRST_WARMUP_MS } from './round-plan.ts';
import type { ScenarioResult, Spread } from './summary.ts';

export function failed(result: ScenarioResult): boolean {
  return result.failure !== undefined || result.errors > 0 || result.calls?.failure !== undefined;
}

export const fixed = (value: number | undefined, digits: number) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

/** "0.91× (0.88–0.95)": the median of the per-round ratios and their range; n/a without any. */
function ratio(spread: Spread | undefined): string {
  if (!spread) return 'n/a';
  const median = `${spread.median.toFixed(2)}×`;
  return spread.n > 1 && spread.max > spread.min ? `${median} (${spread.min.toFixed(2)}–${spread.max.toFixed(2)})` : median;
}

/** "+4.9 (+2.8 to +5.3)": the median of the per-round differences in ms and their range. */
function added(spread: Spread | undefined): string {
  if (!spread) return 'n/a';
  const signed = (ms: number) => `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(1)}`;
  return spread.n > 1 && spread.max > spread.min ? `${signed(spread.median)} (${signed(spread.min)} to ${signed(spread.max)})` : signed(spread.median);
}

/** More than this many cores used by other processes during a run (beyond Redis's share) is a warning. */
export const BUSY_NEIGHBOUR_CORES = 0.35;

/** The results table (Markdown), one row per scenario. */
export function resultTable(results: ScenarioResult[]): string[] {
  const rows = results.map((r) => {
    const vsPassword = r.flow === 'password' ? '—' : ratio(r.vsPasswordOnly);
    return `| ${r.scenario}${r.failure ? ' (failed)' : ''} | ${r.rounds} | ${r.flows} | ${r.errors} | ${fixed(r.signInsPerSecond, 1)} | ${fixed(r.p50Ms, 0)} | ${fixed(r.p99Ms, 0)} | ${ratio(r.vsReference)} | ${vsPassword} | ${fixed(r.serverCpuMs, 1)} | ${r.reference ? '—' : added(r.serverCpuOverReference)} | ${fixed(r.driverCpuMs, 1)} | ${fixed(r.peakRssMiB, 0)} |`;
  });
  return [
    '| Scenario | Runs | Flows | Errors | Sign-ins/s | p50 ms | p99 ms | vs reference | vs password-only | Server CPU ms | over reference | Driver CPU ms | Peak RSS MiB |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ];
}

/** What the table's columns are, for the report and the README block alike. */
export function tableNote(settings: RunSettings): string {
  return `Sign-ins/s, p50 and p99 are medians over the ${settings.rounds} rounds. Each round runs a block per flow, the reference first: "vs reference" is the median over rounds of the scenario's rate over that of the reference run just before it in the same round, with the lowest and highest of those per-round ratios in brackets; "vs password-only" likewise, each round's ratio being the scenario's ratio to its reference over the password flow's (same store, same round). Each block's reference is a server and driver of its own, so every scenario, the reference included, runs once per round and sits idle as long between its runs; the reference's row takes all of them. Runs and flows are summed over rounds; errors include the warm-ups. CPU ms are per sign-in, medians over rounds, warm-ups included: the user + system time of the server process (every thread: argon2 on libuv's pool, SQLite, the Redis client) and of the load driver, read from /proc; "over reference" is, per round, the server's CPU ms minus that of the reference run that led its block, with the range over rounds. A rate moves with the machine's neighbours from run to run; the CPU a sign-in costs moves less, so these columns say how much work our server adds even when the rates are noisy.`;
}

export const FLOW_LEGEND = 'password: the password alone; totp: the authenticator app\'s code; sms: a code texted to the development outbox, read back by the driver; backup: the backup code (spent and replaced on every use); trusted: a trusted-device cookie, so no code is asked';

/** The SMS budget note: the bench server does not run with the default caps. */
export function smsBudgetNote(): string {
  const l = BENCH_SMS_LIMITS;
  return `The bench server raises the SMS budget for its own config (every sign-in comes from 127.0.0.1): resend cooldown ${l.resendCooldownSeconds} s (default 30 s), ${l.perAccountPerHour}/hour per account (5), ${l.perNumberPerDay}/day per number (10), ${l.perIpPerHour}/hour per IP (20), ${l.globalPerHour}/hour in all (500); the driver rests each account past the cooldown and under its cap, so the SMS rows measure sign-ins, not the caps.`;
}

/** "N concurrent flows …, rounds, warm-up and measured seconds": how the numbers were taken. */
export function methodLine(settings: RunSettings): string {
  const firstWarmup = Math.max(FIRST_WARMUP_MS, settings.warmupMs) / 1000;
  return `${settings.concurrency} concurrent flows from a separate process; ${settings.rounds} rounds, each run ${settings.warmupMs / 1000} s warm-up (${firstWarmup} s for a server's first run) and ${settings.durationMs / 1000} s measured; every scenario's server and driver start once and serve every round`;
}

/** One line per scenario whose runs a busy neighbour touched: the medians and brackets say how much it mattered. */
function busyNeighbours(r: ScenarioResult): string[] {
  const busy = r.runs.filter((run) => (run.otherCores ?? 0) > BUSY_NEIGHBOUR_CORES);
  if (busy.length === 0) return [];
  const most = Math.max(...busy.map((run) => run.otherCores!));
  return [`- ${r.scenario}: other processes kept more than ${BUSY_NEIGHBOUR_CORES} cores busy during ${busy.length} of its ${r.runs.length} runs (up to ${most.toFixed(2)}): those runs are understated`];
}

function problems(results: ScenarioResult[]): string[] {
  return results.flatMap((r) => [
    ...(r.failure ? [`- ${r.scenario}: FAILED: ${r.failure}`] : []),
    ...(r.calls?.failure ? [`- ${r.scenario}: calls count: ${r.calls.failure}`] : []),
    ...busyNeighbours(r),
    ...Object.entries(r.poolUsage ?? {}).flatMap(([kind, usage]) => [
      ...(usage.waits ? [`- ${r.scenario}: no ${kind} account was usable ${usage.waits}× (${usage.waitMs} ms waiting): throughput is understated, enrol more accounts`] : []),
      ...(usage.retired ? [`- ${r.scenario}: ${usage.retired} ${kind} accounts retired after a failed flow`] : []),
    ]),
    ...r.errorSamples.slice(0, 5).map((e) => `- ${r.scenario}: ${e.count}× ${e.message}`),
    ...r.serverLogProblems.slice(0, 3).map((line) => `- ${r.scenario} server log: ${line.slice(0, 300)}`),
  ]);
}

export function markdownReport(machine: Machine, settings: RunSettings, results: ScenarioResult[]): string {
  const lines = [
    `## Complete sign-ins (authorize → password [→ second factor] → consent → code → token)`,
    '',
    `- date: ${machine.date}`,
    `- node: ${machine.node}, nproc: ${machine.nproc}, CPU: ${machine.cpuModel}, memory: ${machine.totalMemGiB} GiB, load average (1 min): ${machine.loadAverage1m} at start, ${machine.loadAverageEnd1m ?? 'n/a'} at end`,
    `- ${methodLine(settings)}`,
    `- flows: ${FLOW_LEGEND}`,
    ...(settings.cpuProfDir ? [`- servers ran with --cpu-prof (profiles in ${settings.cpuProfDir}): slower than unprofiled runs, compare only with each other`] : []),
    '',
    ...resultTable(results),
    '',
    tableNote(settings),
    'Peak RSS is the server process\'s VmHWM over every round (the pools\' enrolment included).',
    '',
    `Most CPU other processes kept busy during any run of each scenario (cores of ${machine.nproc}; Redis's own work included): ${results.map((r) => `${r.scenario} ${fixed(r.otherCoresMax, 2)}`).join(', ')}.`,
  ];
  const counted = results.filter((r) => r.calls);
  if (counted.length) lines.push('', `### Store calls and Redis commands per sign-in`, '', ...callsTable(counted), '', callsNote(settings));
  if (results.some((r) => r.flow === 'sms')) lines.push('', smsBudgetNote());
  const pools = results.flatMap((r) => Object.entries(r.pools ?? {}).map(([kind, enrolled]) => {
    const usage = r.poolUsage?.[kind as keyof typeof r.poolUsage];
    return `${r.scenario}: ${enrolled.count} ${kind} accounts enrolled in ${fixed(enrolled.enrolMs / 1000, 1)} s before the first round (not measured)${usage ? `, ${usage.leases} sign-ins from them in all (calls count, rounds and warm-ups)` : ''}`;
  }));
  const totpRule = results.some((r) => r.pools?.totp) ? ' TOTP: each (account, 30 s step) at most once.' : '';
  if (pools.length) lines.push('', `Pools: ${pools.join('; ')}.${totpRule}`);
  const notes = problems(results);
  if (notes.length) lines.push('', '### Problems', '', ...notes);
  return lines.join('\n');
}

/** `--count-only`: the calls table, then per scenario what each request of one sign-in costs. */
export function countsReport(machine: Machine, settings: RunSettings, results: ScenarioResult[]): string {
  const counted = results.filter((r) => r.calls);
  const lines = [
    `## Store calls and Redis commands per sign-in (authorize → password [→ second factor] → consent → code → token)`,
    '',
    `- date: ${machine.date}, node: ${machine.node}; --count-only: no rounds, nothing timed`,
    '',
    ...callsTable(counted),
    '',
    callsNote(settings),
  ];
  for (const r of counted) if (r.calls?.byStep) lines.push('', `### ${r.scenario}, by request`, '', ...callsByStepTable(r.calls.byStep));
  const notes = problems(results);
  if (notes.length) lines.push('', '### Problems', '', ...notes);
  return lines.join('\n');
}
