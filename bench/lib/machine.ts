/**
 * Where and when a run happened (written with every report and JSON result), and the JSON file
 * each run leaves in bench/results/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunSettings } from './run-settings.ts';

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

/** bench/results/<prefix><timestamp>.json; returns its path. */
export function writeJson(benchDir: string, machine: Machine, settings: RunSettings, results: unknown, prefix = ''): string {
  const dir = path.join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${prefix}${machine.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ machine, settings, results }, null, 2)}\n`);
  return file;
}
