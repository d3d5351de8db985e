import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';

/**
 * The commands the store sends, and nothing else: what createClient() and createSentinel() both
 * answer (redis-connection.ts), so one code path serves a single Redis and a Sentinel-watched one;
 * the Cluster store gets the same from cluster/cluster-client.ts.
 */
export type RedisClient = Pick<RedisClientType, 'evalSha' | 'eval' | 'del' | 'exists' | 'hGet' | 'hGetAll' | 'hmGet' | 'get' | 'sMembers' | 'sRem' | 'set' | 'ping' | 'configGet' | 'wait'> & {
  // Each client types its own `this`; the store only iterates.
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string[]>;
};

/**
 * Extra real lifetime on top of the logical one. Expiry is decided by the injected clock (so
 * instances agree and tests can fake time); the PEXPIRE is only cleanup and must never remove
 * a key that is still logically alive because clocks drift a little.
 */
export const EXPIRY_SLACK_MS = 5_000;

/** A Lua script, identified by its SHA-1 so the body is only sent when Redis does not have it yet. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function defineScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Runs a script by EVALSHA and falls back to EVAL on NOSCRIPT: the script cache is lost on a
 * Redis restart or failover, and EVAL both runs the script and puts it back in the cache.
 */
export async function runScript(client: RedisClient, script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
  try {
    return await client.evalSha(script.sha, { keys, arguments: args });
  } catch (error) {
    if (!String((error as { message?: unknown } | undefined)?.message).startsWith('NOSCRIPT')) throw error;
    return client.eval(script.source, { keys, arguments: args });
  }
}
