import { ClientClosedError, type RedisClusterType } from 'redis';
import type { RedisClient } from '../redis-script.ts';

/** How often, and how far apart, a script refused with TRYAGAIN is sent again (within the store call's deadline). */
const TRY_AGAIN_ATTEMPTS = 20;
const TRY_AGAIN_PAUSE_MS = 25;

/**
 * While a slot moves between primaries (a resharding), a script whose keys are split between the
 * two, some already moved, is refused with TRYAGAIN (redis.io, "Redis cluster specification",
 * multi-key operations during a resharding); node-redis follows MOVED and ASK itself but not this.
 * The move of a slot's keys takes moments, so the script is sent again a little later.
 */
async function tryingAgain<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      const message = String((error as { message?: unknown } | undefined)?.message);
      if (!message.startsWith('TRYAGAIN') || attempt >= TRY_AGAIN_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, TRY_AGAIN_PAUSE_MS));
    }
  }
}

/**
 * node-redis's cluster client as the store's RedisClient. Commands on one key go to the primary of
 * its slot (node-redis's routing); what has no key, or several, is answered here: DEL key by key
 * (the store's deletes of several keys are never atomic on a cluster), PING and CONFIG GET on
 * every primary, SCAN over every primary. WAIT is not offered (REDIS_WAIT_REPLICAS is refused
 * with a cluster: open-redis-store.ts).
 */
export function clusterClient(cluster: RedisClusterType): RedisClient {
  const primaries = () => {
    // A closed cluster client knows no primaries: answer as a closed single client does.
    if (!cluster.isOpen) return Promise.reject(new ClientClosedError());
    return Promise.all(cluster.masters.map((node) => cluster.nodeClient(node)));
  };
  const client = {
    evalSha: (sha: string, options: { keys: string[]; arguments: string[] }) => tryingAgain(() => cluster.evalSha(sha, options)),
    eval: (script: string, options: { keys: string[]; arguments: string[] }) => tryingAgain(() => cluster.eval(script, options)),
    async del(keys: string | string[]) {
      const counts = await Promise.all((Array.isArray(keys) ? keys : [keys]).map((key) => cluster.del(key)));
      return counts.reduce((sum, count) => sum + Number(count), 0);
    },
    exists: (key: string) => cluster.exists(key),
    get: (key: string) => cluster.get(key),
    hGet: (key: string, field: string) => cluster.hGet(key, field),
    hGetAll: (key: string) => cluster.hGetAll(key),
    hmGet: (key: string, fields: string[]) => cluster.hmGet(key, fields),
    sMembers: (key: string) => cluster.sMembers(key),
    sRem: (key: string, members: string | string[]) => cluster.sRem(key, members),
    set: (key: string, value: string, options?: Parameters<RedisClusterType['set']>[2]) => cluster.set(key, value, options),
    async ping() {
      await Promise.all((await primaries()).map((node) => node.ping()));
      return 'PONG';
    },
    /**
     * The weakest answer of the primaries ('no', or an empty `save`): one primary that keeps
     * nothing loses its slots' data on a restart, so the cluster counts as keeping nothing.
     */
    async configGet(parameter: string) {
      const answers = await Promise.all((await primaries()).map((node) => node.configGet(parameter)));
      return answers.find((answer) => ['', 'no'].includes((answer[parameter] ?? '').trim())) ?? answers[0] ?? {};
    },
    wait: () => Promise.reject(new Error('WAIT is not sent to a Redis Cluster')),
    async *scanIterator(options: { MATCH: string; COUNT: number }) {
      for (const node of await primaries()) yield* node.scanIterator(options);
    },
  };
  return client as unknown as RedisClient;
}
