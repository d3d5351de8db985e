/**
 * Our identity provider as production wires it (loadConfig → loadKeys → openStore →
 * composeIdentityProvider), on SQLite (a file in DATA_DIR) or Redis (REDIS_URL + REDIS_PREFIX),
 * with the bench client and one account, plus a pool of accounts with TOTP when the scenario asks
 * for one (bench/servers/totp-accounts.ts). JSON logs go to stdout, which the parent sends to a file.
 */
import type { ClientMetadata } from 'oidc-provider';
import { composeIdentityProvider } from '../../src/compose.ts';
import { loadKeys } from '../../src/config/keys.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createJsonLogger } from '../../src/log.ts';
import { openStore } from '../../src/store/open-store.ts';
import { enrolTotpAccounts } from './totp-accounts.ts';
import { BENCH_ACCOUNT, BENCH_CLIENT_METADATA, listenOnLoopback, runServer, serverOptions } from './serve.ts';

runServer(async () => {
  const options = serverOptions();
  if (options.store !== 'sqlite' && options.store !== 'redis') throw new Error(`our server runs on sqlite or redis, not ${options.store}`);
  const { server, baseUrl } = await listenOnLoopback();
  const env: Record<string, string> = { NODE_ENV: 'development', ISSUER: baseUrl, DATA_DIR: options.dataDir, DEMO_APP: 'false' };
  if (options.store === 'redis') {
    if (!options.redisUrl || !options.redisPrefix) throw new Error('the redis scenario needs redisUrl and redisPrefix');
    env.REDIS_URL = options.redisUrl;
    env.REDIS_PREFIX = options.redisPrefix;
  }
  const config = loadConfig(env);
  const keys = loadKeys(config);
  const store = await openStore(config);
  try {
    const clients = [BENCH_CLIENT_METADATA as ClientMetadata];
    const { app, directory, mfa } = composeIdentityProvider({ config, keys, store, clients, log: createJsonLogger() });
    await directory.add({ email: BENCH_ACCOUNT.email, password: BENCH_ACCOUNT.password, name: 'Bench User', emailVerified: true });
    const totp = options.totpAccounts
      ? await enrolTotpAccounts({ directory, mfa: mfa.service, sealingKeys: keys.sealingKeys, count: options.totpAccounts })
      : undefined;
    return { server, handler: app.callback(), baseUrl, account: BENCH_ACCOUNT, totp, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
});
