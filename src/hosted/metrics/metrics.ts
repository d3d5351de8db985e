import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What the hosted provider tells an operator, in the Prometheus text format. One registry per
 * provider (never prom-client's global one), so two providers in one process (tests, a host
 * running two) keep their own counts. Every label takes a value from a fixed set, never from a
 * request (cardinality stays bounded whatever a client sends).
 */
export interface Metrics {
  readonly registry: Registry;
  /** Sign-ins by outcome (success, failed, locked) and method (password, totp, sms, backup-code, passkey, remembered-device). */
  readonly signIns: Counter<'outcome' | 'method'>;
  readonly secondFactorFailures: Counter<'method'>;
  readonly secondFactorLocks: Counter<'factor'>;
  /** Text messages by outcome (sent, refused, failed) and, for a refusal, its reason. */
  readonly textMessages: Counter<'outcome' | 'reason'>;
  readonly rememberedDeviceSkips: Counter;
  /** Time to answer one request, by sign-in step (request-timing.ts names them). */
  readonly stepSeconds: Histogram<'step'>;
  /** Failed store calls: `unavailable` (answered 503) or `other` (a bug, answered 500). */
  readonly storeErrors: Counter<'store' | 'kind'>;
  readonly smsBreakerOpen: Gauge<'budget'>;
}

export const METRIC_PREFIX = 'oidc_mfa_';

/** Reads the SMS breakers when scraped; the store read may fail, then the gauge keeps its last value. */
export type BreakerReader = () => Promise<{ all: boolean; setup: boolean }>;

export function createMetrics(options: { readBreakers?: BreakerReader } = {}): Metrics {
  const registry = new Registry();
  // Process metrics (CPU, resident memory, heap, event-loop lag, GC), under the usual names.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const readBreakers = options.readBreakers;
  return {
    registry,
    signIns: new Counter({ name: `${METRIC_PREFIX}sign_ins_total`, help: 'Sign-ins by outcome (success, failed, locked) and method', labelNames: ['outcome', 'method'], registers }),
    secondFactorFailures: new Counter({ name: `${METRIC_PREFIX}second_factor_failures_total`, help: 'Wrong second-factor answers, by method', labelNames: ['method'], registers }),
    secondFactorLocks: new Counter({ name: `${METRIC_PREFIX}second_factor_locks_total`, help: 'Second factors paused or locked after too many wrong answers, by factor', labelNames: ['factor'], registers }),
    textMessages: new Counter({ name: `${METRIC_PREFIX}text_messages_total`, help: 'Text messages by outcome (sent, refused, failed); reason for a refusal', labelNames: ['outcome', 'reason'], registers }),
    rememberedDeviceSkips: new Counter({ name: `${METRIC_PREFIX}remembered_device_skips_total`, help: 'Second factors skipped on a trusted device', registers }),
    stepSeconds: new Histogram({
      name: `${METRIC_PREFIX}step_duration_seconds`,
      help: 'Time to answer a request, by sign-in step',
      labelNames: ['step'],
      // argon2id alone takes tens of milliseconds; a 503 comes after STORE_TIMEOUT_MS (3 s).
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    storeErrors: new Counter({ name: `${METRIC_PREFIX}store_errors_total`, help: 'Failed store calls: unavailable (answered 503) or other (a bug)', labelNames: ['store', 'kind'], registers }),
    smsBreakerOpen: new Gauge({
      name: `${METRIC_PREFIX}sms_breaker_open`,
      help: '1 while an hourly SMS budget is spent (no text goes out until its window ends): all texts, or the share for setups',
      labelNames: ['budget'],
      registers,
      async collect() {
        if (!readBreakers) return;
        try {
          const open = await readBreakers();
          this.set({ budget: 'all' }, open.all ? 1 : 0);
          this.set({ budget: 'setup' }, open.setup ? 1 : 0);
        } catch {
          // The store did not answer: store_errors_total says so; the gauge keeps its last value.
        }
      },
    }),
  };
}
