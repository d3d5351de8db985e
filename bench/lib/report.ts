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

export function markdownReport(machine: Machine, settings: RunSettings, results: ScenarioResult[], referenceName: string): string {
  const reference = results.find((r) => r.scenario === referenceName && !r.failure)?.signInsPerSecond;
  const lines = [
    `## Complete sign-ins (authorize → password → consent → code → token)`,
    '',
    `- date: ${machine.date}`,
    `- node: ${machine.node}, nproc: ${machine.nproc}, CPU: ${machine.cpuModel}, load average (1 min) at start: ${machine.loadAverage1m}`,
    `- ${settings.concurrency} concurrent flows from a separate process, ${settings.warmupMs / 1000} s warm-up, ${settings.durationMs / 1000} s measured per scenario`,
    '',
    '| Scenario | Flows | Errors | Sign-ins/s | p50 ms | p99 ms | vs reference | Peak RSS MiB |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    const ratio = reference && r.signInsPerSecond !== undefined ? `${(r.signInsPerSecond / reference).toFixed(2)}×` : 'n/a';
    const flows = r.driver ? String(r.driver.flows) : 'n/a';
    lines.push(`| ${r.scenario}${r.failure ? ' (failed)' : ''} | ${flows} | ${errorsOf(r)} | ${fixed(r.signInsPerSecond, 1)} | ${fixed(r.driver?.latencyMs?.p50, 0)} | ${fixed(r.driver?.latencyMs?.p99, 0)} | ${ratio} | ${fixed(r.peakRssMiB, 0)} |`);
  }
  lines.push('', 'Errors include the warm-up. Peak RSS is the server process\'s VmHWM.');
  const notes = results.flatMap((r) => [
    ...(r.failure ? [`- ${r.scenario}: FAILED: ${r.failure}`] : []),
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
