/**
 * One session (server + driver, lib/server-session.ts) per chosen scenario, started once before
 * the first round and kept for every round and the calls count: enrolling a pool of 600 TOTP
 * accounts takes longer than a run, and the driver must remember what earlier rounds used (a
 * TOTP step, an SMS cooldown, a backup code already spent). An idle session uses memory, not CPU
 * (though its next run costs more CPU per sign-in after minutes idle: lib/rounds.ts).
 * The reference has one session per block it leads, so it runs as seldom as the rest (lib/rounds.ts).
 */
import { POOL_OF_FLOW, type Scenario } from '../scenarios.ts';
import { poolSize } from './account-pool.ts';
import { COUNT_WARMUP_SIGN_INS } from './count-calls.ts';
import { peakRssKiB } from './children.ts';
import type { PoolKind, PoolSizes } from './protocol.ts';
import { blockFlows, FIRST_WARMUP_MS, runsPerRound } from './round-plan.ts';
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
  /** A reference session's block: the flow whose runs it leads (lib/round-plan.ts). */
  leads?: string;
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
  // The reference once per block it leads (no block in a calls count, or when it is alone); every other scenario once.
  const flows = settings.countOnly ? [] : blockFlows(chosen);
  const wanted = chosen.flatMap((scenario): { scenario: Scenario; leads?: string }[] => (scenario.reference && flows.length ? flows.map((leads) => ({ scenario, leads })) : [{ scenario }]));
  for (const { scenario, leads } of wanted) {
    const name = leads ? `${scenario.name}-${leads}` : scenario.name;
    console.error(`bench: starting ${name}...`);
    const opened = await openSession({ ...scenario, name, pools: poolsFor(scenario, settings, chosen) }, settings, cleanups);
    if (isOpen(opened)) sessions.push({ scenario, leads, session: opened, runs: 0 });
    else {
      console.error(`bench: ${name} did not start: ${opened.failure}`);
      sessions.push({ scenario, leads, outcome: opened, runs: 0 });
    }
  }
  return sessions;
}

/**
 * One entry per scenario for the report: a reference's sessions (one per block) as one, with the
 * first failure, every session's log problems, the highest peak RSS and the runs added up.
 */
export function perScenario(sessions: ScenarioSession[]): ScenarioSession[] {
  const merged = new Map<Scenario, ScenarioSession>();
  for (const entry of sessions) {
    const seen = merged.get(entry.scenario);
    if (!seen) {
      merged.set(entry.scenario, { ...entry });
      continue;
    }
    const outcomes = [seen.outcome, entry.outcome].filter((o): o is SessionOutcome => o !== undefined);
    const failure = outcomes.find((o) => o.failure)?.failure;
    seen.outcome = { ...seen.outcome, ...(failure ? { failure } : {}), serverLogProblems: outcomes.flatMap((o) => o.serverLogProblems) };
    seen.peakRssMiB = Math.max(seen.peakRssMiB ?? 0, entry.peakRssMiB ?? 0) || undefined;
    seen.runs += entry.runs;
  }
  return [...merged.values()];
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
