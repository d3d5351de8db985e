/** Which runs a round makes, in which order (lib/rounds.ts says why), and how long a first run warms up. */
import type { Scenario } from '../scenarios.ts';

/**
 * The first run of a session warms a fresh process up (JIT, caches, connection pools) for at
 * least this long; later runs only need the load to settle, so they use --warmup.
 */
export const FIRST_WARMUP_MS = 3_000;

/** The runs of one round (1-based), in order: a block per flow, each led by the reference. */
export function roundPlan(chosen: Scenario[], round: number): Scenario[] {
  const reference = chosen.find((s) => s.reference);
  const others = chosen.filter((s) => !s.reference);
  const flows = [...new Set(others.map((s) => s.flow))];
  const blocks = flows.map((flow) => others.filter((s) => s.flow === flow));
  if (round % 2 === 0) for (const block of blocks) block.reverse();
  if (!reference) return blocks.flat();
  return blocks.length ? blocks.flatMap((block) => [reference, ...block]) : [reference];
}

export const runsPerRound = (chosen: Scenario[]) => roundPlan(chosen, 1).length;
