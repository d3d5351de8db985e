/** Which runs a round makes, in which order (lib/rounds.ts says why), and how long a first run warms up. */
import type { Scenario } from '../scenarios.ts';

/**
 * The first run of a session warms a fresh process up (JIT, caches, connection pools) for at
 * least this long; later runs only need the load to settle, so they use --warmup.
 */
export const FIRST_WARMUP_MS = 3_000;

/** One run of a round: the scenario, and for the reference the flow whose block it leads. */
export interface PlannedRun {
  scenario: Scenario;
  /** Set on the reference's runs when other scenarios are chosen: each block has a reference session of its own. */
  leads?: string;
}

/** The flows of the chosen scenarios other than the reference, in order: one block each. */
export const blockFlows = (chosen: Scenario[]) => [...new Set(chosen.filter((s) => !s.reference).map((s) => s.flow))];

/** The runs of one round (1-based), in order: a block per flow, each led by the reference. */
export function roundPlan(chosen: Scenario[], round: number): PlannedRun[] {
  const reference = chosen.find((s) => s.reference);
  const others = chosen.filter((s) => !s.reference);
  const blocks = blockFlows(chosen).map((flow) => others.filter((s) => s.flow === flow));
  if (round % 2 === 0) for (const block of blocks) block.reverse();
  const runs = (block: Scenario[]) => block.map((scenario): PlannedRun => ({ scenario }));
  if (!reference) return blocks.flatMap(runs);
  return blocks.length ? blocks.flatMap((block) => [{ scenario: reference, leads: block[0]!.flow }, ...runs(block)]) : [{ scenario: reference }];
}

export const runsPerRound = (chosen: Scenario[]) => roundPlan(chosen, 1).length;
