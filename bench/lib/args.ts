import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIOS, type Scenario } from '../scenarios.ts';
import type { RunSettings } from './run-settings.ts';

export const USAGE = `Usage: npm run bench -- [--rounds <n>] [--duration <s>] [--warmup <s>] [--concurrency <n>] [--count-sign-ins <n>] [--scenarios ${SCENARIOS.map((s) => s.name).join(',')}] [--cpu-prof-dir <dir>]
       npm run bench -- --count-only [--count-sign-ins <n>] [--scenarios …]
       npm run bench -- --soak <s> [--soak-store sqlite|redis] [--warmup <s>] [--concurrency <n>]`;

/** `--soak`: mixed sign-ins against one of our servers for `seconds`, its memory sampled. */
export interface SoakOptions {
  seconds: number;
  store: 'sqlite' | 'redis';
}

function number(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  return value;
}

export function parseOptions(argv: string[]): { settings: RunSettings; scenarios: Scenario[]; soak?: SoakOptions } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rounds: { type: 'string' },
      'count-sign-ins': { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      scenarios: { type: 'string' },
      'cpu-prof-dir': { type: 'string' },
      'count-only': { type: 'boolean' },
      soak: { type: 'string' },
      'soak-store': { type: 'string' },
    },
  });
  const soakSeconds = values.soak === undefined ? undefined : number('soak', values.soak, 60, 1, 3600);
  if (soakSeconds === undefined && values['soak-store'] !== undefined) throw new Error('--soak-store goes with --soak');
  if (soakSeconds !== undefined && (values.scenarios !== undefined || values.duration !== undefined || values.rounds !== undefined || values['count-sign-ins'] !== undefined)) throw new Error('--soak runs its own mix for its own duration, once: no --scenarios, --duration, --rounds or --count-sign-ins with it');
  const countOnly = values['count-only'] === true;
  if (countOnly && (soakSeconds !== undefined || values.rounds !== undefined || values.duration !== undefined || values.warmup !== undefined || values.concurrency !== undefined || values['cpu-prof-dir'] !== undefined)) throw new Error('--count-only runs no rounds: only --count-sign-ins and --scenarios go with it');
  if (countOnly && values['count-sign-ins'] === '0') throw new Error('--count-only needs --count-sign-ins of 1 or more');
  const soakStore = values['soak-store'] ?? 'sqlite';
  if (soakStore !== 'sqlite' && soakStore !== 'redis') throw new Error(`--soak-store must be sqlite or redis (got ${JSON.stringify(soakStore)})`);
  // A timed run leaves out the counted-only scenarios (scenarios.ts): their rates would not compare.
  const defaults = SCENARIOS.filter((s) => (countOnly || !s.countedOnly) && !s.onlyWhenNamed);
  const names = (values.scenarios ?? defaults.map((s) => s.name).join(',')).split(',').map((name) => name.trim()).filter(Boolean);
  const named = names.map((name) => {
    const scenario = SCENARIOS.find((s) => s.name === name);
    if (!scenario) throw new Error(`unknown scenario "${name}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
    if (scenario.countedOnly && !countOnly) throw new Error(`scenario "${name}" is counted, never timed: run it with --count-only`);
    return scenario;
  });
  // The reference has no store to count.
  const scenarios = countOnly ? named.filter((s) => !s.reference) : named;
  if (scenarios.length === 0) throw new Error('--scenarios names no scenario');
  const concurrency = number('concurrency', values.concurrency, 8, 1, 256);
  if (!Number.isInteger(concurrency)) throw new Error('--concurrency must be a whole number');
  // Defaults: 5 rounds of 1 s warm-up + 5 s measured keep a run of every scenario (15 runs a
  // round, lib/rounds.ts, plus starting the servers and the calls count) near 10 minutes here.
  const rounds = number('rounds', values.rounds, 5, 1, 100);
  const countSignIns = number('count-sign-ins', values['count-sign-ins'], 20, 0, 1000);
  if (!Number.isInteger(rounds) || !Number.isInteger(countSignIns)) throw new Error('--rounds and --count-sign-ins must be whole numbers');
  // Profiling: each server child writes <scenario>.cpuprofile there (summarise with bench/tools/cpuprofile-summary.ts).
  const cpuProfDir = values['cpu-prof-dir'] === undefined ? undefined : path.resolve(values['cpu-prof-dir']);
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
  return {
    scenarios,
    ...(soakSeconds === undefined ? {} : { soak: { seconds: soakSeconds, store: soakStore } }),
    settings: {
      concurrency: countOnly ? 1 : concurrency,
      // --count-only: no rounds; the pools are then sized for the calls count alone (lib/scenario-sessions.ts).
      rounds: countOnly ? 0 : soakSeconds === undefined ? rounds : 1,
      ...(countOnly ? { countOnly } : {}),
      countSignIns: soakSeconds === undefined ? countSignIns : 0,
      durationMs: Math.round((soakSeconds ?? number('duration', values.duration, 5, 0.5, 600)) * 1000),
      // The soak's memory baseline is taken after the warm-up: give the JIT and caches longer.
      warmupMs: Math.round(number('warmup', values.warmup, soakSeconds === undefined ? 1 : 5, 0, 60) * 1000),
      flowTimeoutMs: 20_000,
      ...(cpuProfDir ? { cpuProfDir } : {}),
    },
  };
}
