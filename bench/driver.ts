/**
 * The load driver, a child of bench/run.ts: receives one DriverJob over IPC, runs `concurrency`
 * flow loops (each flow with a fresh cookie jar, lib/load-loop.ts) through a warm-up and then a
 * measured phase, sends back a DriverResult and exits. Talks only to the server the job names
 * (and reads the SMS outbox it names). Second-factor flows sign in from the pools of accounts
 * the server enrolled (lib/account-pool.ts).
 */
import { FLOWS } from './flows/index.ts';
import { lendersFor } from './lib/account-pool.ts';
import { ErrorLog, runPhase, type FlowKind, type Tally } from './lib/load-loop.ts';
import { OutboxReader } from './lib/outbox-reader.ts';
import type { DriverJob, DriverMessage, FlowTally } from './lib/protocol.ts';
import { summarize } from './lib/stats.ts';
import { POOL_OF_FLOW } from './scenarios.ts';

function kindsFor(job: DriverJob): FlowKind[] | string {
  // One lender per pool for both phases: what the warm-up used stays used.
  const lenders = lendersFor(job.pools);
  const kinds: FlowKind[] = [];
  for (const name of job.flows) {
    const flow = FLOWS[name];
    if (!flow) return `unknown flow "${name}"`;
    const poolKind = POOL_OF_FLOW[name];
    const pool = poolKind && lenders[poolKind];
    if (poolKind && !pool) return `the ${name} flow needs the server's ${poolKind} pool, and there is none`;
    kinds.push({ name, flow, pool });
  }
  return kinds.length ? kinds : 'the job names no flow';
}

async function run(job: DriverJob): Promise<DriverMessage> {
  const kinds = kindsFor(job);
  if (typeof kinds === 'string') return { type: 'failed', message: kinds };
  const outbox = job.pools?.sms && new OutboxReader(job.pools.sms.outboxFile);
  const errors = new ErrorLog();
  const warmup = await runPhase(kinds, job, outbox, performance.now() + job.warmupMs, errors);
  if (job.announcePhases) process.send!({ type: 'measuring' } satisfies DriverMessage);
  const start = performance.now();
  const measured = await runPhase(kinds, job, outbox, start + job.durationMs, errors);

  const sum = (tallies: Iterable<Tally>, field: 'flows' | 'errors') => [...tallies].reduce((total, t) => total + t[field], 0);
  const byFlow: FlowTally[] = kinds.map(({ name }) => {
    const tally = measured.tallies.get(name)!;
    return { flow: name, flows: tally.flows, errors: tally.errors, warmupErrors: warmup.tallies.get(name)!.errors, latencyMs: summarize(tally.latencies) };
  });
  return {
    type: 'result',
    flows: sum(measured.tallies.values(), 'flows'),
    errors: sum(measured.tallies.values(), 'errors'),
    warmupFlows: sum(warmup.tallies.values(), 'flows'),
    warmupErrors: sum(warmup.tallies.values(), 'errors'),
    elapsedMs: Math.round(measured.lastEnd - start),
    latencyMs: summarize([...measured.tallies.values()].flatMap((t) => t.latencies)),
    errorSamples: [...errors.counts].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count),
    byFlow,
    pools: Object.fromEntries(kinds.filter((k) => k.pool).map((k) => [POOL_OF_FLOW[k.name]!, k.pool!.usage()])),
  };
}

// Without the parent there is nobody to report to: stop at once.
process.on('disconnect', () => process.exit(1));
process.once('message', (job: DriverJob) => {
  run(job)
    .catch((error: unknown): DriverMessage => ({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .then((message) => process.send!(message, () => process.exit(0)));
});
