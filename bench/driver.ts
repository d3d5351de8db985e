/**
 * The load driver, a child of bench/run.ts: receives one DriverJob over IPC, runs `concurrency`
 * flow loops (each flow with a fresh cookie jar) through a warm-up and then a measured phase,
 * sends back a DriverResult and exits. Talks only to the server the job names. TOTP scenarios
 * sign in from a pool of enrolled accounts (lib/totp-pool.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FLOWS } from './flows/index.ts';
import type { FlowContext, SignInFlow } from './flows/flow.ts';
import type { DriverJob, DriverMessage } from './lib/protocol.ts';
import { summarize } from './lib/stats.ts';
import { TotpPool, type TotpLease } from './lib/totp-pool.ts';

interface Tally {
  flows: number;
  errors: number;
  latencies: number[];
  lastEnd: number;
}

const errorCounts = new Map<string, number>();
const MAX_DISTINCT_ERRORS = 20;

function recordError(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (errorCounts.size < MAX_DISTINCT_ERRORS || errorCounts.has(message)) errorCounts.set(message, (errorCounts.get(message) ?? 0) + 1);
}

/**
 * `concurrency` loops, each starting flows one after another until `until` (performance.now() ms).
 * With a TOTP pool, each flow first borrows an account from it (not part of its latency).
 */
async function runPhase(flow: SignInFlow, job: DriverJob, until: number, pool?: TotpPool): Promise<Tally> {
  const tally: Tally = { flows: 0, errors: 0, latencies: [], lastEnd: performance.now() };
  const context = (lease?: TotpLease): FlowContext => ({
    baseUrl: job.baseUrl,
    client: job.client,
    account: lease?.account ?? job.account,
    oneTimeCode: lease?.oneTimeCode,
    signal: AbortSignal.timeout(job.flowTimeoutMs),
  });
  const loop = async () => {
    while (performance.now() < until) {
      const lease = pool && (await pool.lease(until));
      if (pool && !lease) break; // the phase ended while every account was spent for this step
      const start = performance.now();
      try {
        await flow(context(lease));
        tally.flows += 1;
        tally.latencies.push(performance.now() - start);
      } catch (error) {
        tally.errors += 1;
        recordError(error);
        await sleep(20); // a failing server must not turn the driver into a busy loop
      } finally {
        lease?.release();
      }
      tally.lastEnd = performance.now();
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  return tally;
}

async function run(job: DriverJob): Promise<DriverMessage> {
  const flow = FLOWS[job.flow];
  if (!flow) return { type: 'failed', message: `unknown flow "${job.flow}"` };
  // One pool for both phases: a step the warm-up used stays used.
  const pool = job.totpAccounts ? new TotpPool(job.totpAccounts) : undefined;
  const warmup = await runPhase(flow, job, performance.now() + job.warmupMs, pool);
  const start = performance.now();
  const measured = await runPhase(flow, job, start + job.durationMs, pool);
  return {
    type: 'result',
    flows: measured.flows,
    errors: measured.errors,
    warmupFlows: warmup.flows,
    warmupErrors: warmup.errors,
    elapsedMs: Math.round(measured.lastEnd - start),
    latencyMs: summarize(measured.latencies),
    errorSamples: [...errorCounts].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count),
    totpPool: pool && { accounts: pool.size, codes: pool.codes, waits: pool.waits, waitMs: Math.round(pool.waitMs) },
  };
}

// Without the parent there is nobody to report to: stop at once.
process.on('disconnect', () => process.exit(1));
process.once('message', (job: DriverJob) => {
  run(job)
    .catch((error: unknown): DriverMessage => ({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .then((message) => process.send!(message, () => process.exit(0)));
});
