/**
 * The quiet phase before the rounds: per scenario of ours, a few sequential sign-ins to warm up
 * (scripts loaded into Redis, caches filled), then `countSignIns` more, one at a time and with no
 * other load, counting what each complete sign-in costs the store: the calls into the Store's
 * methods (servers/call-counter.ts), and on Redis the commands our client sent and the commands
 * Redis ran inside Lua scripts (redis-monitor.ts). Counts do not depend on load or timing, so
 * one pass is enough; each is the total over the counted sign-ins divided by their number.
 * They are taken before the rounds all the same: until the index sets of grants were kept in
 * constant time (addToIndexSet in src/store/redis/lua-scripts.ts), each Grant upsert on Redis
 * read the TTL of every member of the account's grant set, and the password flow's one account
 * made its counts grow with the length of the run.
 */
import { REDIS_URL, type Scenario } from '../scenarios.ts';
import { nextMessage } from './children.ts';
import type { CallCounts, DriverMessage, ServerMessage, StepCounts } from './protocol.ts';
import { RedisScriptMonitor } from './redis-monitor.ts';
import type { RunSettings } from './run-settings.ts';
import type { OpenSession } from './server-session.ts';

/** Sign-ins before the counted ones. */
export const COUNT_WARMUP_SIGN_INS = 3;
const ANSWER_LIMIT_MS = 10_000;

export interface CallsPerSignIn {
  /** Complete sign-ins counted (without error). */
  signIns: number;
  errors: number;
  /** Calls into the Store per sign-in, in all and by part (accounts, mfa, adapter.<Model>, …). */
  storeCalls: number;
  storeCallsByMethod: Record<string, number>;
  /** Redis: commands our client sent per sign-in (MULTI/EXEC and each EVALSHA count one). */
  redisSent?: number;
  /** Redis: socket writes those commands went out in, i.e. round trips (call-counter.ts). */
  redisRoundTrips?: number;
  /** Redis: commands its Lua scripts ran per sign-in. */
  redisInScripts?: number;
  /** Redis: sent + in scripts, i.e. what INFO commandstats would count for these sign-ins. */
  redisExecuted?: number;
  /** The same per sign-in, by request step (bench/servers/call-counter.ts), in the order first seen. */
  byStep?: Record<string, StepCounts>;
  failure?: string;
}

async function ask<T extends ServerMessage['type']>(session: OpenSession, message: 'count-start' | 'count-stop', answer: T): Promise<Extract<ServerMessage, { type: T }>> {
  const reply = nextMessage<ServerMessage>(session.server, `${message} answer`, ANSWER_LIMIT_MS);
  session.server.send({ type: message });
  const got = await reply;
  if (got.type !== answer) throw new Error(`the server answered ${message} with ${got.type}`);
  return got as Extract<ServerMessage, { type: T }>;
}

const perSignIn = (total: number, signIns: number) => Math.round((total / signIns) * 100) / 100;

export async function countCalls(session: OpenSession, scenario: Scenario, settings: RunSettings): Promise<CallsPerSignIn> {
  const wanted = settings.countSignIns;
  const monitor = session.redisPrefix ? await RedisScriptMonitor.open(REDIS_URL, session.redisPrefix) : undefined;
  try {
    const flowLimit = (flows: number) => (flows + 1) * settings.flowTimeoutMs;
    const warmedUp = nextMessage<DriverMessage>(session.driver, `${scenario.name} driver (count warm-up)`, flowLimit(COUNT_WARMUP_SIGN_INS));
    session.driver.send(session.job([scenario.flow], { concurrency: 1, pauseAfterWarmup: true, flowCounts: { warmup: COUNT_WARMUP_SIGN_INS, measured: wanted } }));
    const first = await warmedUp;
    if (first.type !== 'warmed-up') throw new Error(`${scenario.name} driver: ${first.type === 'failed' ? first.message : first.type}`);

    await ask(session, 'count-start', 'counting');
    const scriptsBefore = await monitor?.scriptCommands();
    const answer = nextMessage<DriverMessage>(session.driver, `${scenario.name} driver (counted sign-ins)`, flowLimit(wanted));
    session.driver.send({ type: 'go' });
    const result = await answer;
    const scriptsAfter = await monitor?.scriptCommands();
    const { counts } = await ask(session, 'count-stop', 'counts');
    if (result.type !== 'result') throw new Error(`${scenario.name} driver: ${result.type === 'failed' ? result.message : result.type}`);
    return summarise(counts, result.flows, result.errors, scriptsBefore, scriptsAfter);
  } catch (error) {
    return { signIns: 0, errors: 0, storeCalls: Number.NaN, storeCallsByMethod: {}, failure: error instanceof Error ? error.message : String(error) };
  } finally {
    monitor?.close();
  }
}

function summarise(counts: CallCounts, signIns: number, errors: number, scriptsBefore: number | undefined, scriptsAfter: number | undefined): CallsPerSignIn {
  // A failed flow stops part-way: its calls would lower the average, so say so instead.
  const failure = errors > 0 ? `${errors} of the counted sign-ins failed: the counts include their partial calls` : undefined;
  const done = Math.max(1, signIns);
  const total = Object.values(counts.storeCalls).reduce((sum, n) => sum + n, 0);
  const byMethod = Object.fromEntries(Object.entries(counts.storeCalls).sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => [name, perSignIn(n, done)]));
  const redis = counts.redisCommandsSent === undefined || scriptsBefore === undefined || scriptsAfter === undefined
    ? {}
    : {
        redisSent: perSignIn(counts.redisCommandsSent, done),
        ...(counts.redisWrites === undefined ? {} : { redisRoundTrips: perSignIn(counts.redisWrites, done) }),
        redisInScripts: perSignIn(scriptsAfter - scriptsBefore, done),
        redisExecuted: perSignIn(counts.redisCommandsSent + scriptsAfter - scriptsBefore, done),
      };
  const perSignInAll = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, perSignIn(n, done)]));
  const byStep = counts.byStep && Object.fromEntries(Object.entries(counts.byStep).map(([step, c]) => [step, {
    storeCalls: perSignInAll(c.storeCalls),
    ...(c.redisCommandsSent === undefined ? {} : { redisCommandsSent: perSignIn(c.redisCommandsSent, done) }),
    ...(c.redisWrites === undefined ? {} : { redisWrites: perSignIn(c.redisWrites, done) }),
    ...(c.redisCommands ? { redisCommands: perSignInAll(c.redisCommands) } : {}),
  }]));
  return { signIns, errors, storeCalls: perSignIn(total, done), storeCallsByMethod: byMethod, ...redis, ...(byStep ? { byStep } : {}), ...(failure ? { failure } : {}) };
}
