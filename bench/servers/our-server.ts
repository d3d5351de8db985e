/**
 * Our identity provider as production wires it (loadConfig → loadKeys → openStore →
 * composeIdentityProvider), on SQLite (a file in DATA_DIR) or Redis (REDIS_URL + REDIS_PREFIX),
 * with the bench client and one account, plus the pools of accounts with a second factor the
 * scenario asks for (bench/servers/mfa-pools.ts). Text messages go to the development outbox,
 * a file in DATA_DIR, under the bench's SMS budget (BENCH_SMS_LIMITS in bench/scenarios.ts)
 * instead of the default one. JSON logs go to stdout, which the parent sends to a file. The store
 * is wrapped to count its calls when the parent asks (call-counter.ts; off otherwise).
 */
import path from 'node:path';
import type { ClientMetadata } from 'oidc-provider';
import { composeIdentityProvider } from '../../src/hosted/compose.ts';
import { loadKeys } from '../../src/hosted/config/keys.ts';
import { loadConfig } from '../../src/hosted/config/load-config.ts';
import type { Config } from '../../src/hosted/config/schema.ts';
import { createJsonLogger } from '../../src/log.ts';
import { openStore } from '../../src/hosted/open-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.ts';
import { BENCH_SMS_LIMITS } from '../scenarios.ts';
import { CallCounter } from './call-counter.ts';
import { enrolPools } from './mfa-pools.ts';
import { BENCH_ACCOUNT, BENCH_CLIENT_METADATA, BENCH_FIRST_PARTY_CLIENT, BENCH_FIRST_PARTY_CLIENT_METADATA, listenOnLoopback, runServer, serverOptions } from './serve.ts';

/** The config the environment gives, with the bench's SMS budget in place of the default caps. */
function benchConfig(env: Record<string, string>): Config {
  const config = loadConfig(env);
  if (config.sms.provider !== 'outbox') throw new Error(`the bench needs sms.provider outbox, not ${config.sms.provider}`);
  return { ...config, sms: { ...config.sms, ...BENCH_SMS_LIMITS } };
}

runServer(async () => {
  const options = serverOptions();
  if (options.store !== 'sqlite' && options.store !== 'redis') throw new Error(`our server runs on sqlite or redis, not ${options.store}`);
  const { server, baseUrl } = await listenOnLoopback();
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    ISSUER: baseUrl,
    DATA_DIR: options.dataDir,
    DEMO_APP: 'false',
    SMS_PROVIDER: 'outbox',
    SMS_OUTBOX: path.join(options.dataDir, 'sms-outbox.jsonl'),
  };
  if (options.store === 'redis') {
    if (!options.redisUrl || !options.redisPrefix) throw new Error('the redis scenario needs redisUrl and redisPrefix');
    env.REDIS_URL = options.redisUrl;
    env.REDIS_PREFIX = options.redisPrefix;
  }
  const config = benchConfig(env);
  const keys = loadKeys(config);
  const store = options.sqliteInMemory ? openSqliteStore({ file: ':memory:' }) : await openStore(config);
  const callCounter = new CallCounter(store.kind === 'redis');
  try {
    const clients = [BENCH_CLIENT_METADATA, BENCH_FIRST_PARTY_CLIENT_METADATA] as ClientMetadata[];
    const { app, directory, mfa } = composeIdentityProvider({ config, keys, store: callCounter.wrap(store), clients, log: createJsonLogger() });
    await directory.add({ email: BENCH_ACCOUNT.email, password: BENCH_ACCOUNT.password, name: 'Bench User', emailVerified: true });
    const pools = options.pools
      ? await enrolPools({ directory, mfa, sealingKeys: keys.sealingKeys, sms: { ...config.sms, outboxFile: config.sms.outboxFile! } }, options.pools)
      : undefined;
    const handle = app.callback();
    return { server, handler: (request, response) => callCounter.inRequest(request, () => handle(request, response)), baseUrl, account: BENCH_ACCOUNT, firstPartyClient: BENCH_FIRST_PARTY_CLIENT, pools, close: () => store.close(), callCounter };
  } catch (error) {
    await store.close();
    throw error;
  }
});
