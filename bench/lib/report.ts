import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_SMS_LIMITS } from '../scenarios.ts';
import type { PoolKind } from './protocol.ts';
import type { RunSettings, ScenarioResult } from './run-scenario.ts';

export interface Machine {
  date: string;
  node: string;
  nproc: number;
  cpuModel: string;
  totalMemGiB: number;
  /** 1-minute load average when the run started (before any child ran), and when it ended. */
  loadAverage1m: number;
  loadAverageEnd1m?: number;
}

export const loadAverage = () => Math.round(os.loadavg()[0]! * 100) / 100;

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
  const totalMemGiB = Math.round((os.totalmem() / 1024 ** 3) * 10) / 10;
  return { date: new Date().toISOString(), node: process.version, nproc, cpuModel, totalMemGiB, loadAverage1m: loadAverage() };
}

export function errorsOf(result: ScenarioResult): number {
  return (result.driver?.errors ?? 0) + (result.driver?.warmupErrors ?? 0);
}

export function failed(result: ScenarioResult): boolean {
  return result.failure !== undefined || errorsOf(result) > 0;
}

export const fixed = (value: number | undefined, digits: number) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

/** `value / base` as "0.00×", or n/a. */
const ratio = (value: number | undefined, base: number | undefined) => (value !== undefined && base ? `${(value / base).toFixed(2)}×` : 'n/a');

/** More than this many cores used by other processes during a scenario (beyond Redis's share) is a warning. */
export const BUSY_NEIGHBOUR_CORES = 0.35;

/** The password flow on the same store in this run: what a scenario with a second factor is compared with. */
function passwordOnly(results: ScenarioResult[], r: ScenarioResult): ScenarioResult | undefined {
  return results.find((p) => p.flow === 'password' && p.store === r.store && !p.failure);
}

/** The results table (Markdown), one row per scenario. */
export function resultTable(results: ScenarioResult[], referenceName: string): string[] {
  const reference = results.find((r) => r.scenario === referenceName && !r.failure)?.signInsPerSecond;
  const rows = results.map((r) => {
    const vsPassword = r.flow === 'password' ? '—' : ratio(r.signInsPerSecond, passwordOnly(results, r)?.signInsPerSecond);
    const flows = r.driver ? String(r.driver.flows) : 'n/a';
    return `| ${r.scenario}${r.failure ? ' (failed)' : ''} | ${flows} | ${errorsOf(r)} | ${fixed(r.signInsPerSecond, 1)} | ${fixed(r.driver?.latencyMs?.p50, 0)} | ${fixed(r.driver?.latencyMs?.p99, 0)} | ${ratio(r.signInsPerSecond, reference)} | ${vsPassword} | ${fixed(r.peakRssMiB, 0)} |`;
  });
  return [
    '| Scenario | Flows | Errors | Sign-ins/s | p50 ms | p99 ms | vs reference | vs password-only | Peak RSS MiB |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows,
  ];
}

export const FLOW_LEGEND = 'password: the password alone; totp: the authenticator app\'s code; sms: a code texted to the development outbox, read back by the driver; backup: the backup code (spent and replaced on every use); trusted: a trusted-device cookie, so no code is asked';

/** The SMS budget note: the bench server does not run with the default caps. */
export function smsBudgetNote(): string {
  const l = BENCH_SMS_LIMITS;
  return `The bench server raises the SMS budget for its own config (every sign-in comes from 127.0.0.1): resend cooldown ${l.resendCooldownSeconds} s (default 30 s), ${l.perAccountPerHour}/hour per account (5), ${l.perNumberPerDay}/day per number (10), ${l.perIpPerHour}/hour per IP (20), ${l.globalPerHour}/hour in all (500); the driver rests each account past the cooldown and under its cap, so the SMS rows measure sign-ins, not the caps.`;
}

export function markdownReport(machine: Machine, settings: RunSettings, results: ScenarioResult[], referenceName: string): string {
  const lines = [
    `## Complete sign-ins (authorize → password [→ second factor] → consent → code → token)`,
    '',
    `- date: ${machine.date}`,
    `- node: ${machine.node}, nproc: ${machine.nproc}, CPU: ${machine.cpuModel}, memory: ${machine.totalMemGiB} GiB, load average (1 min): ${machine.loadAverage1m} at start, ${machine.loadAverageEnd1m ?? 'n/a'} at end`,
    `- ${settings.concurrency} concurrent flows from a separate process, ${settings.warmupMs / 1000} s warm-up, ${settings.durationMs / 1000} s measured per scenario`,
    `- flows: ${FLOW_LEGEND}`,
    ...(settings.cpuProfDir ? [`- servers ran with --cpu-prof (profiles in ${settings.cpuProfDir}): slower than unprofiled runs, compare only with each other`] : []),
    '',
    ...resultTable(results, referenceName),
  ];
  lines.push('', 'Errors include the warm-up; a refused code counts as one. "vs password-only" compares with the password flow on the same store in this run. Peak RSS is the server process\'s VmHWM (the pools\' enrolment included).');
  lines.push('', `CPU other processes kept busy during each scenario (cores of ${machine.nproc}; Redis's own work included): ${results.map((r) => `${r.scenario} ${fixed(r.otherCores, 2)}`).join(', ')}.`);
  if (results.some((r) => r.flow === 'sms')) lines.push('', smsBudgetNote());
  const pools = results.flatMap((r) => Object.entries(r.pools ?? {}).map(([kind, enrolled]) => {
    const usage = r.driver?.pools[kind as PoolKind];
    return `${r.scenario}: ${enrolled.count} ${kind} accounts enrolled in ${fixed(enrolled.enrolMs / 1000, 1)} s before the warm-up (not measured)${usage ? `, ${usage.leases} sign-ins from them (warm-up included)` : ''}`;
  }));
  const totpRule = results.some((r) => r.pools?.totp) ? ' TOTP: each (account, 30 s step) at most once.' : '';
  if (pools.length) lines.push('', `Pools: ${pools.join('; ')}.${totpRule}`);
  const notes = results.flatMap((r) => [
    ...(r.failure ? [`- ${r.scenario}: FAILED: ${r.failure}`] : []),
    ...((r.otherCores ?? 0) > BUSY_NEIGHBOUR_CORES ? [`- ${r.scenario}: other processes kept ${fixed(r.otherCores, 2)} cores busy meanwhile: this row is understated, run again on a quieter machine`] : []),
    ...Object.entries(r.driver?.pools ?? {}).flatMap(([kind, usage]) => [
      ...(usage.waits ? [`- ${r.scenario}: no ${kind} account was usable ${usage.waits}× (${usage.waitMs} ms waiting): throughput is understated, enrol more accounts`] : []),
      ...(usage.retired ? [`- ${r.scenario}: ${usage.retired} ${kind} accounts retired after a failed flow`] : []),
    ]),
    ...(r.driver?.errorSamples ?? []).slice(0, 5).map((e) => `- ${r.scenario}: ${e.count}× ${e.message}`),
    ...r.serverLogProblems.slice(0, 3).map((line) => `- ${r.scenario} server log: ${line.slice(0, 300)}`),
  ]);
  if (notes.length) lines.push('', '### Problems', '', ...notes);
  return lines.join('\n');
}

/** bench/results/<prefix><timestamp>.json; returns its path. */
export function writeJson(benchDir: string, machine: Machine, settings: RunSettings, results: unknown, prefix = ''): string {
  const dir = path.join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${prefix}${machine.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ machine, settings, results }, null, 2)}\n`);
  return file;
}
