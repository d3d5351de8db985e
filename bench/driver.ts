/**
 * The load driver, a child of bench/run.ts: receives DriverJobs over IPC, one at a time, against
 * one server; for each it runs `concurrency` flow loops (each flow with a fresh cookie jar,
 * lib/load-loop.ts) through a warm-up and then a measured phase and sends back a DriverResult.
 * It lives as long as its server (every round of a scenario), and stops when the parent does
 * or goes away. Talks only to the server the job names
 * (and reads the SMS outbox it names). Second-factor flows sign in from the pools of accounts
 * the server enrolled (lib/account-pool.ts).
 */
import { FLOWS } from './flows/index.ts';
import { lendersFor, type Lender } from './lib/account-pool.ts';
import { ErrorLog, runPhase, type FlowKind, type Tally } from './lib/load-loop.ts';
import { OutboxReader } from './lib/outbox-reader.ts';
import type { DriverJob, DriverMessage, FlowTally, ParentToDriver, PoolKind } from './lib/protocol.ts';
import { summarize } from './lib/stats.ts';
import { POOL_OF_FLOW } from './scenarios.ts';

/**
 * One lender per pool for the driver's whole life, made from the first job's pools (every job
 * names the same server): what one phase or round used stays used (a TOTP step, an SMS cooldown,
 * a backup code already spent).
 */
let lenders: Partial<Record<PoolKind, Lender>> | undefined;

function kindsFor(job: DriverJob): FlowKind[] | string {
  lenders ??= lendersFor(job.pools);
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
  // Counted phases stop after their flows; the time limit only stops a server that hangs.
  const counted = job.flowCounts;
  const limitMs = (flows: number) => (flows + 1) * job.flowTimeoutMs;
  const warmup = await runPhase(kinds, job, outbox, performance.now() + (counted ? limitMs(counted.warmup) : job.warmupMs), errors, counted?.warmup);
  if (job.announcePhases) process.send!({ type: 'measuring' } satisfies DriverMessage);
  if (job.pauseAfterWarmup) {
    const go = new Promise<void>((resolve) => (waitingForGo = resolve));
    process.send!({ type: 'warmed-up' } satisfies DriverMessage);
    await go;
  }
  const start = performance.now();
  const measured = await runPhase(kinds, job, outbox, start + (counted ? limitMs(counted.measured) : job.durationMs), errors, counted?.measured);

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

let waitingForGo: (() => void) | undefined;
/** Jobs run one after another, even if the parent sends the next before the last answer. */
let queue: Promise<void> = Promise.resolve();

// Without the parent there is nobody to report to: stop at once.
process.on('disconnect', () => process.exit(1));
process.on('message', (message: ParentToDriver) => {
  if (message.type === 'go') {
    waitingForGo?.();
    waitingForGo = undefined;
    return;
  }
  queue = queue.then(() => run(message)
    .catch((error: unknown): DriverMessage => ({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .then((answer) => new Promise<void>((resolve) => process.send!(answer, () => resolve()))));
});
