/**
 * One session (server + driver, lib/server-session.ts) per chosen scenario, started once before
 * the first round and kept for every round and the calls count: enrolling a pool of 600 TOTP
 * accounts takes longer than a run, and the driver must remember what earlier rounds used (a
 * TOTP step, an SMS cooldown, a backup code already spent). Idle sessions cost memory, not CPU.
 */
import { POOL_OF_FLOW, type Scenario } from '../scenarios.ts';
import { poolSize } from './account-pool.ts';
import { COUNT_WARMUP_SIGN_INS } from './count-calls.ts';
import { peakRssKiB } from './children.ts';
import type { PoolKind, PoolSizes } from './protocol.ts';
import { FIRST_WARMUP_MS, runsPerRound } from './round-plan.ts';
import type { CleanupRegistry, RunSettings } from './run-settings.ts';
import { isOpen, openSession, type OpenSession, type SessionOutcome } from './server-session.ts';

/** A TOTP code is good for one 30 s step, and a run may straddle two. */
const TOTP_WINDOW_MS = 31_000;
/** What a run costs besides its phases (messages, the driver's start), for the pool sizes only. */
const RUN_OVERHEAD_MS = 500;

/**
 * The pool a scenario needs over every round. TOTP: as many sign-ins as can fall in one 30 s
 * step, i.e. the runs of this scenario within 31 s (one per round, rounds being ~a minute apart
 * unless few scenarios run). SMS: the cooldown, and the per-account cap over every round.
 */
function poolsFor(scenario: Scenario, settings: RunSettings, chosen: Scenario[]): PoolSizes | undefined {
  const kind: PoolKind | undefined = POOL_OF_FLOW[scenario.flow];
  if (!kind) return undefined;
  // The calls count alone signs in one at a time: an account each is enough for any rule (a TOTP step, an SMS cooldown).
  if (settings.countOnly) return { [kind]: COUNT_WARMUP_SIGN_INS + settings.countSignIns };
  const runMs = Math.max(FIRST_WARMUP_MS, settings.warmupMs) + settings.durationMs;
  const roundMs = runsPerRound(chosen) * (settings.warmupMs + settings.durationMs + RUN_OVERHEAD_MS);
  const runsInWindow = Math.min(settings.rounds, 1 + Math.floor(TOTP_WINDOW_MS / roundMs));
  const totalWarmupMs = runMs - settings.durationMs + (settings.rounds - 1) * settings.warmupMs;
  const sizing = kind === 'totp'
    ? { warmupMs: 0, durationMs: Math.min(TOTP_WINDOW_MS, runsInWindow * runMs), concurrency: settings.concurrency }
    : { warmupMs: totalWarmupMs, durationMs: settings.rounds * settings.durationMs, concurrency: settings.concurrency };
  return { [kind]: poolSize(kind, sizing) };
}

export interface ScenarioSession {
  scenario: Scenario;
  /** Undefined when it did not start; then `outcome` says why. */
  session?: OpenSession;
  outcome?: SessionOutcome;
  /** Runs so far (the first one warms a fresh process up for longer). */
  runs: number;
  /** The server's VmHWM, read just before it stopped. */
  peakRssMiB?: number;
}

/** Starts every session, one after another (enrolment keeps both cores busy). */
export async function openScenarioSessions(chosen: Scenario[], settings: RunSettings, cleanups: CleanupRegistry): Promise<ScenarioSession[]> {
  const sessions: ScenarioSession[] = [];
  for (const scenario of chosen) {
    console.error(`bench: starting ${scenario.name}...`);
    const opened = await openSession({ ...scenario, pools: poolsFor(scenario, settings, chosen) }, settings, cleanups);
    if (isOpen(opened)) sessions.push({ scenario, session: opened, runs: 0 });
    else {
      console.error(`bench: ${scenario.name} did not start: ${opened.failure}`);
      sessions.push({ scenario, outcome: opened, runs: 0 });
    }
  }
  return sessions;
}

/** Stops every session still open; each one's outcome (log problems, keys deleted) is kept. */
export async function closeScenarioSessions(sessions: ScenarioSession[]): Promise<void> {
  await Promise.all(sessions.map(async (s) => {
    if (!s.session) return;
    const peak = peakRssKiB(s.session.server.pid);
    if (peak !== undefined) s.peakRssMiB = peak / 1024;
    s.outcome = await s.session.close();
  }));
}
