import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunSettings, ScenarioResult } from './run-scenario.ts';

export interface Machine {
  date: string;
  node: string;
  nproc: number;
  cpuModel: string;
  loadAverage1m: number;
}

export function describeMachine(): Machine {
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8', timeout: 2_000 }).trim()) || nproc;
  } catch {
    // keep os.availableParallelism()
  }
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // keep os.cpus()
  }
  return { date: new Date().toISOString(), node: process.version, nproc, cpuModel, loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100 };
}

export function errorsOf(result: ScenarioResult): number {
  return (result.driver?.errors ?? 0) + (result.driver?.warmupErrors ?? 0);
}

export function failed(result: ScenarioResult): boolean {
  return result.failure !== undefined || errorsOf(result) > 0;
}

const fixed = (value: number | undefined, digits: number) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

/** `value / base` as "0.00×", or n/a. */
const ratio = (value: number | undefined, base: number | undefined) => (value !== undefined && base ? `${(value / base).toFixed(2)}×` : 'n/a');

/** The password flow on the same store in this run: what a scenario with a second factor is compared with. */
function passwordOnly(results: ScenarioResult[], r: ScenarioResult): ScenarioResult | undefined {
  return results.find((p) => p.flow === 'password' && p.store === r.store && !p.failure);
}

export function markdownReport(machine: Machine, settings: RunSettings, results: ScenarioResult[], referenceName: string): string {
  const reference = results.find((r) => r.scenario === referenceName && !r.failure)?.signInsPerSecond;
  const lines = [
    `## Complete sign-ins (authorize → password [→ TOTP code] → consent → code → token)`,
    '',
    `- date: ${machine.date}`,
    `- node: ${machine.node}, nproc: ${machine.nproc}, CPU: ${machine.cpuModel}, load average (1 min) at start: ${machine.loadAverage1m}`,
    `- ${settings.concurrency} concurrent flows from a separate process, ${settings.warmupMs / 1000} s warm-up, ${settings.durationMs / 1000} s measured per scenario`,
    ...(settings.cpuProfDir ? [`- servers ran with --cpu-prof (profiles in ${settings.cpuProfDir}): slower than unprofiled runs, compare only with each other`] : []),
    '',
    '| Scenario | Flows | Errors | Sign-ins/s | p50 ms | p99 ms | vs reference | vs password-only | Peak RSS MiB |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    const vsPassword = r.flow === 'password' ? '—' : ratio(r.signInsPerSecond, passwordOnly(results, r)?.signInsPerSecond);
    const flows = r.driver ? String(r.driver.flows) : 'n/a';
    lines.push(`| ${r.scenario}${r.failure ? ' (failed)' : ''} | ${flows} | ${errorsOf(r)} | ${fixed(r.signInsPerSecond, 1)} | ${fixed(r.driver?.latencyMs?.p50, 0)} | ${fixed(r.driver?.latencyMs?.p99, 0)} | ${ratio(r.signInsPerSecond, reference)} | ${vsPassword} | ${fixed(r.peakRssMiB, 0)} |`);
  }
  lines.push('', 'Errors include the warm-up; a refused TOTP code counts as one. "vs password-only" compares with the password flow on the same store in this run. Peak RSS is the server process\'s VmHWM.');
  const pools = results.filter((r) => r.totpAccounts).map((r) => {
    const pool = r.driver?.totpPool;
    const usage = pool ? `, ${pool.codes} codes sent (warm-up included), each (account, 30 s step) at most once` : '';
    return `${r.scenario}: ${r.totpAccounts!.count} accounts enrolled in ${fixed(r.totpAccounts!.enrolMs / 1000, 1)} s before the warm-up (not measured)${usage}`;
  });
  if (pools.length) lines.push('', `TOTP pools: ${pools.join('; ')}.`);
  const notes = results.flatMap((r) => [
    ...(r.failure ? [`- ${r.scenario}: FAILED: ${r.failure}`] : []),
    ...(r.driver?.totpPool?.waits ? [`- ${r.scenario}: every TOTP account was spent for the current step ${r.driver.totpPool.waits}× (${r.driver.totpPool.waitMs} ms waiting): throughput is understated, enrol more accounts`] : []),
    ...(r.driver?.errorSamples ?? []).slice(0, 5).map((e) => `- ${r.scenario}: ${e.count}× ${e.message}`),
    ...r.serverLogProblems.slice(0, 3).map((line) => `- ${r.scenario} server log: ${line.slice(0, 300)}`),
  ]);
  if (notes.length) lines.push('', '### Problems', '', ...notes);
  return lines.join('\n');
}

/** bench/results/<timestamp>.json; returns its path. */
export function writeJson(benchDir: string, machine: Machine, settings: RunSettings, results: ScenarioResult[]): string {
  const dir = path.join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${machine.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ machine, settings, results }, null, 2)}\n`);
  return file;
}
