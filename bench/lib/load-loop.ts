/**
 * The load driver's loops: `concurrency` of them, each starting one complete sign-in after
 * another until the phase ends. With several kinds of sign-in (the soak) each loop takes them in
 * turn, loop i starting at kind i, so every kind runs all the time. A kind with a pool first
 * borrows an account (not part of the flow's latency) and gives it back after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FlowContext, SignInFlow } from '../flows/flow.ts';
import type { Lease, Lender } from './account-pool.ts';
import type { OutboxReader } from './outbox-reader.ts';
import type { DriverJob } from './protocol.ts';

export interface FlowKind {
  name: string;
  flow: SignInFlow;
  pool?: Lender;
}

export interface Tally {
  flows: number;
  errors: number;
  latencies: number[];
}

export interface PhaseResult {
  /** By kind name. */
  tallies: Map<string, Tally>;
  /** performance.now() when the last flow of the phase ended. */
  lastEnd: number;
}

const MAX_DISTINCT_ERRORS = 20;

/** Distinct error messages (per kind when there are several) and how often each occurred. */
export class ErrorLog {
  readonly counts = new Map<string, number>();

  record(kind: string, error: unknown, prefix: boolean): void {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const message = prefix ? `${kind}: ${text}` : text;
    if (this.counts.size < MAX_DISTINCT_ERRORS || this.counts.has(message)) this.counts.set(message, (this.counts.get(message) ?? 0) + 1);
  }
}

/**
 * Runs the loops until `until` (performance.now() ms), or, with `maxFlows`, until that many flows
 * have started (sequential with concurrency 1: the calls count).
 */
export async function runPhase(kinds: FlowKind[], job: DriverJob, outbox: OutboxReader | undefined, until: number, errors: ErrorLog, maxFlows = Number.POSITIVE_INFINITY): Promise<PhaseResult> {
  let started = 0;
  const tallies = new Map(kinds.map((kind): [string, Tally] => [kind.name, { flows: 0, errors: 0, latencies: [] }]));
  let lastEnd = performance.now();
  const context = (lease: Lease | undefined): FlowContext => ({
    baseUrl: job.baseUrl,
    client: job.client,
    firstPartyClient: job.firstPartyClient,
    account: lease?.account ?? job.account,
    oneTimeCode: lease?.oneTimeCode,
    keepBackupCode: lease?.keepBackupCode,
    outbox,
    signal: AbortSignal.timeout(job.flowTimeoutMs),
  });
  const loop = async (index: number) => {
    for (let turn = index; performance.now() < until && started < maxFlows; turn += 1) {
      started += 1;
      const kind = kinds[turn % kinds.length]!;
      const tally = tallies.get(kind.name)!;
      const lease = kind.pool && (await kind.pool.lease(until));
      if (kind.pool && !lease) break; // the phase ended while no account of this pool was usable
      const start = performance.now();
      let ok = false;
      try {
        await kind.flow(context(lease));
        ok = true;
        tally.flows += 1;
        tally.latencies.push(performance.now() - start);
      } catch (error) {
        tally.errors += 1;
        errors.record(kind.name, error, kinds.length > 1);
        await sleep(20); // a failing server must not turn the driver into a busy loop
      } finally {
        lease?.release(ok);
      }
      lastEnd = performance.now();
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, (_, index) => loop(index)));
  return { tallies, lastEnd };
}
