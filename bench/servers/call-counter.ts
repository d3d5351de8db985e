/**
 * What our bench server counts for the report's "store calls and Redis commands per sign-in":
 * every call into the Store (accounts, mfa, transient, counters, trustedDevices, revokeGrantsOf,
 * and each oidc-provider adapter method), and on Redis the commands our node-redis client sends.
 * Counting is off except between start() and stop(), which the parent only asks for in the quiet
 * phase after the rounds (lib/count-calls.ts), so the throughput rounds run uncounted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Store } from '../../src/store/store.ts';
import { storeAround } from '../../src/store/store-around.ts';
import type { CallCounts } from '../lib/protocol.ts';

/**
 * node-redis (v5+) publishes every command on these diagnostics channels (its tracing.js): one
 * 'node-redis:command' per sendCommand, EVALSHA/EVAL and each pipelined command included, and
 * one 'node-redis:batch' per MULTI … EXEC, whose queued commands get no 'command' event of their
 * own. So "sent" is the command starts plus, per MULTI batch, its commands and MULTI and EXEC.
 * A channel only costs when subscribed, and we subscribe only while counting. A TracingChannel
 * "x" publishes its start events on the plain channel "tracing:x:start".
 */
const COMMAND_START = 'tracing:node-redis:command:start';
const BATCH_START = 'tracing:node-redis:batch:start';

/** Outside any HTTP request (nothing in a sign-in should be). */
const NO_STEP = '(no request)';

/**
 * "POST /interaction/:id/login" from "POST /interaction/3Fq…x/login?x=1": ids (long runs of
 * base64url characters, as oidc-provider's uids and our interaction ids are) become ":id", so
 * every sign-in's same step adds up under one name.
 */
export function stepOf(request: Pick<IncomingMessage, 'method' | 'url'>): string {
  const pathname = (request.url ?? '/').split('?')[0]!;
  return `${request.method ?? 'GET'} ${pathname.replace(/\/[A-Za-z0-9_-]{16,}(?=\/|$)/g, '/:id')}`;
}

export class CallCounter {
  private counting = false;
  private calls = new Map<string, number>();
  private redisSent = 0;
  private redisWrites = 0;
  private writeScheduled = false;
  /** The same counts by request step (stepOf): which request of a sign-in makes which calls. */
  private bySteps = new Map<string, { calls: Map<string, number>; redisSent: number; redisWrites: number; redisCommands: Map<string, number> }>();
  private readonly redis: boolean;
  private readonly step = new AsyncLocalStorage<string>();
  private readonly visits = new Map<string, number>();
  // Diagnostics channels publish synchronously in the caller's async context, so the step is the request's.
  private readonly onCommand = (context: unknown) => {
    const { batchMode, command } = context as { batchMode?: string; command?: string };
    this.redisSent += 1;
    const step = this.stepCounts();
    step.redisSent += 1;
    this.noteWrite(step);
    const name = `${command ?? '?'}${batchMode ? ` (${batchMode.toLowerCase()})` : ''}`;
    step.redisCommands.set(name, (step.redisCommands.get(name) ?? 0) + 1);
  };
  private readonly onBatch = (context: unknown) => {
    const { batchMode, batchSize } = context as { batchMode?: string; batchSize?: number };
    if (batchMode !== 'MULTI') return;
    this.redisSent += (batchSize ?? 0) + 2;
    const step = this.stepCounts();
    step.redisSent += (batchSize ?? 0) + 2;
    this.noteWrite(step);
    step.redisCommands.set('MULTI…EXEC', (step.redisCommands.get('MULTI…EXEC') ?? 0) + (batchSize ?? 0) + 2);
  };

  constructor(redis: boolean) {
    this.redis = redis;
  }

  /**
   * node-redis writes every command queued before its next setImmediate in one socket write (its
   * #scheduleWrite): commands started in the same turn (a Promise.all, a pipeline, a MULTI) travel
   * together. Each such write is a round trip the request may wait for; counted the same way here,
   * our setImmediate being scheduled just before node-redis's (the start event precedes the command).
   */
  private noteWrite(step: { redisWrites: number }): void {
    if (this.writeScheduled) return;
    this.writeScheduled = true;
    this.redisWrites += 1;
    step.redisWrites += 1;
    setImmediate(() => {
      this.writeScheduled = false;
    });
  }

  private stepCounts() {
    const name = this.step.getStore() ?? NO_STEP;
    let counts = this.bySteps.get(name);
    if (!counts) this.bySteps.set(name, (counts = { calls: new Map(), redisSent: 0, redisWrites: 0, redisCommands: new Map() }));
    return counts;
  }

  private count(name: string): void {
    if (!this.counting) return;
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    const step = this.stepCounts().calls;
    step.set(name, (step.get(name) ?? 0) + 1);
  }

  /**
   * Runs one HTTP request's handling under its step's name (stepOf), so its calls count there. The
   * calls count signs in one at a time, each starting at "GET /auth": a step seen again within the
   * same sign-in (the interaction page before and after the password) is named by its visit, "(2)".
   */
  inRequest<T>(request: IncomingMessage, handle: () => T): T {
    // Outside the count (the timed rounds), nothing: naming the step costs a regex and an async context per request.
    if (!this.counting) return handle();
    const step = stepOf(request);
    if (step === 'GET /auth') this.visits.clear();
    const visit = (this.visits.get(step) ?? 0) + 1;
    this.visits.set(step, visit);
    return this.step.run(visit === 1 ? step : `${step} (${visit})`, handle);
  }

  start(): void {
    this.visits.clear();
    this.calls = new Map();
    this.bySteps = new Map();
    this.redisSent = 0;
    this.redisWrites = 0;
    this.counting = true;
    if (this.redis) {
      subscribe(COMMAND_START, this.onCommand);
      subscribe(BATCH_START, this.onBatch);
    }
  }

  stop(): CallCounts {
    this.counting = false;
    if (this.redis) {
      unsubscribe(COMMAND_START, this.onCommand);
      unsubscribe(BATCH_START, this.onBatch);
    }
    const byStep = Object.fromEntries([...this.bySteps].map(([step, counts]) => [step, {
      storeCalls: Object.fromEntries(counts.calls),
      ...(this.redis ? { redisCommandsSent: counts.redisSent, redisWrites: counts.redisWrites, redisCommands: Object.fromEntries(counts.redisCommands) } : {}),
    }]));
    return { storeCalls: Object.fromEntries(this.calls), ...(this.redis ? { redisCommandsSent: this.redisSent, redisWrites: this.redisWrites } : {}), byStep };
  }

  /**
   * The store with every call counted (store-around.ts names them). Not counted: kind, ping,
   * persistence and close (none is part of a sign-in). The wrapper adds one function call per
   * store call when not counting.
   */
  wrap(store: Store): Store {
    return storeAround(store, (name, call) => {
      this.count(name);
      return call();
    });
  }
}
