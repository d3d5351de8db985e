import type { Clock } from '../../clock.ts';
import type { TransientStore } from '../../mfa/mfa-store.ts';
import { CLAIM_TRANSIENT, SET_TRANSIENT, TAKE_TRANSIENT } from './lua-mfa-scripts.ts';
import { EXPIRY_SLACK_MS, runScript, type RedisClient } from './redis-script.ts';

/**
 * Short-lived values on Redis, one hash per key (transient:<key>: value, exp). Like the adapter,
 * expiry is judged by the injected clock (exp, ms since the epoch); the real PEXPIRE, a little
 * later, only cleans up.
 */
export function createRedisTransient(client: RedisClient, prefix: string, clock: Clock): TransientStore {
  const transientKey = (key: string) => `${prefix}transient:${key}`;

  const pexpireMs = (ttlSeconds: number) => String(Math.max(1, Math.ceil(ttlSeconds * 1000) + EXPIRY_SLACK_MS));

  return {
    async set(key, value, ttlSeconds) {
      await runScript(client, SET_TRANSIENT, [transientKey(key)], [value, String(clock() + ttlSeconds * 1000), pexpireMs(ttlSeconds)]);
    },
    async claim(key, value, ttlSeconds) {
      const now = clock();
      return (await runScript(client, CLAIM_TRANSIENT, [transientKey(key)], [value, String(now + ttlSeconds * 1000), pexpireMs(ttlSeconds), String(now)])) === 1;
    },
    async get(key) {
      const [value, exp] = await client.hmGet(transientKey(key), ['value', 'exp']);
      return value != null && exp != null && Number(exp) > clock() ? value : undefined;
    },
    async take(key) {
      const value = await runScript(client, TAKE_TRANSIENT, [transientKey(key)], [String(clock())]);
      return typeof value === 'string' ? value : undefined;
    },
    async delete(key) {
      await client.del(transientKey(key));
    },
  };
}
