import type { Clock } from '../../clock.ts';
import type { CounterStore } from '../../guard/counter-store.ts';
import { COUNTER_BATCH, INCREMENT_COUNTER } from './lua-scripts.ts';
import { EXPIRY_SLACK_MS, runScript, type RedisClient } from './redis-script.ts';

/**
 * Fixed-window counters, one hash per key (counter:<key>: count, resetAt). The window is
 * judged by the injected clock, passed in as `now`, not by Redis's own clock or TTL.
 */
export function createRedisCounters(client: RedisClient, prefix: string, clock: Clock): CounterStore {
  const counterKey = (key: string) => `${prefix}counter:${key}`;

  return {
    async increment(key, windowSeconds) {
      const count = await runScript(client, INCREMENT_COUNTER, [counterKey(key)],
        [String(clock()), String(windowSeconds * 1000), String(EXPIRY_SLACK_MS)]);
      return Number(count);
    },
    async get(key) {
      const [count, resetAt] = await client.hmGet(counterKey(key), ['count', 'resetAt']);
      return count != null && resetAt != null && Number(resetAt) > clock() ? Number(count) : 0;
    },
    async windowEndsAt(key) {
      const resetAt = await client.hGet(counterKey(key), 'resetAt');
      return resetAt != null && Number(resetAt) > clock() ? Number(resetAt) : undefined;
    },
    async reset(key) {
      await client.del(counterKey(key));
    },
    async batch(steps) {
      if (steps.length === 0) return [];
      // Resets alone are one DEL, itself atomic: no script needed.
      if (steps.every((step) => 'reset' in step)) {
        await client.del(steps.map((step) => counterKey((step as { reset: string }).reset)));
        return steps.map(() => 0);
      }
      const keys = steps.map((step) => counterKey('get' in step ? step.get : 'increment' in step ? step.increment : 'endsAt' in step ? step.endsAt : step.reset));
      const stop = (step: { stopAbove?: number }) => (step.stopAbove === undefined ? '' : String(step.stopAbove));
      const kinds = steps.flatMap((step) => ('get' in step ? ['get', '0', stop(step)]
        : 'increment' in step ? ['increment', String(step.windowSeconds * 1000), stop(step)]
        : 'endsAt' in step ? ['endsAt', '0', '']
        : ['reset', '0', '']));
      const counts = await runScript(client, COUNTER_BATCH, keys, [String(clock()), String(EXPIRY_SLACK_MS), ...kinds]);
      return (counts as unknown[]).map(Number);
    },
  };
}
