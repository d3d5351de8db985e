import path from 'node:path';
import type { Clock } from '../clock.ts';
import type { Config } from './config/schema.ts';
import type { Logger } from '../log.ts';
import { openRedisStore } from '../store/redis/open-redis-store.ts';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.ts';
import type { Store } from '../store/store.ts';

/**
 * REDIS_URL, REDIS_SENTINEL_URLS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_URLS set: Redis
 * (shared by every instance). Otherwise the embedded SQLite file in DATA_DIR.
 */
export async function openStore(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<Store> {
  const { clock, logger } = options;
  const { url, sentinel, cluster, prefix, waitReplicas } = config.redis;
  if (url || sentinel || cluster) {
    return openRedisStore({ url: url ?? undefined, sentinel: sentinel ?? undefined, cluster: cluster ?? undefined, prefix, clock, logger, timeoutMs: config.storeTimeoutMs, waitReplicas });
  }
  return openSqliteStore({ file: path.join(config.dataDir, 'oidc-mfa.sqlite'), clock });
}
