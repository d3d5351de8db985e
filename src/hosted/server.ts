import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { composeIdentityProvider } from './compose.ts';
import { ConfigError, ConfigProblems } from '../config/config-error.ts';
import { loadKeys } from './config/keys.ts';
import { loadConfig } from './config/load-config.ts';
import { ensureDemoAccount } from './demo/demo-account.ts';
import { createDemoApp } from './demo/demo-app.ts';
import { demoBaseUrl, demoClientMetadata } from './demo/demo-client.ts';
import { checkClients } from './provider/check-clients.ts';
import { createPageRenderer } from '../plugin/page-renderer.ts';
import { createJsonLogger, describeError } from '../log.ts';
import { loadClients } from './provider/load-clients.ts';
import { openStore } from './open-store.ts';
import { isStoreUnavailable } from '../store/store-errors.ts';
import { createMetricsServer } from './metrics/metrics-endpoint.ts';

/** Listens; a port that is taken or not ours to take is told as the setting to change, not a stack. */
function listenOn(app: { listen(port: number, host?: string): Server }, port: number, host: string | null, setting: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = host ? app.listen(port, host) : app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new ConfigError(setting, `is ${port}, which another process is already listening on: stop it, or choose another port`));
      else if (error.code === 'EACCES') reject(new ConfigError(setting, `is ${port}, which this user may not listen on (ports below 1024 need privileges): choose a port above 1024`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new ConfigError('HOST', `is ${host}, which is not an address of this machine`));
      else reject(error);
    });
  });
}

/** The composition root: config -> keys -> store -> provider + app -> listen. The only place that listens. */
async function main(): Promise<void> {
  const log = createJsonLogger();
  const config = loadConfig();
  // The files the settings name, checked together: every problem in one report.
  const files = new ConfigProblems();
  const keys = files.attempt(() => loadKeys(config));
  const fileClients = files.attempt(() => loadClients(config.clientsFile));
  files.check();
  const store = await openStore(config, { logger: log });
  const persistence = await store.persistence();
  if (config.env === 'production' && persistence === 'ephemeral') {
    await store.close();
    const [setting, names] = config.redis.cluster ? ['REDIS_CLUSTER_URLS', 'name a cluster with a primary'] : config.redis.sentinel ? ['REDIS_SENTINEL_URLS', 'name a primary'] : ['REDIS_URL', 'points at a Redis'];
    throw new ConfigError(setting, `${names} that keeps nothing on disk (no AOF, no RDB snapshots): accounts and sessions would vanish at its restart; enable persistence (e.g. redis-server --appendonly yes)`);
  }
  if (persistence === 'unknown') log.warn('store.persistence.unknown', { store: store.kind, hint: 'could not read the Redis persistence settings (CONFIG is not allowed); make sure AOF or RDB is on' });
  const demoUrl = demoBaseUrl(config);
  const clients = [...fileClients!];
  if (config.demoApp.enabled) clients.push(demoClientMetadata(demoUrl));

  const { app, provider, directory, metrics } = composeIdentityProvider({ config, keys: keys!, store, clients, log });
  try {
    await checkClients(provider, fileClients!, config.clientsFile);
  } catch (error) {
    await store.close();
    throw error;
  }
  const servers: Server[] = [];
  const idp = await listenOn(app, config.port, config.host, 'PORT');
  servers.push(idp);
  // The server speaks plain http: an https issuer in production means a TLS proxy in front. Without
  // TRUST_PROXY every person shares the proxy's address in the sign-in limits, and no cookie is Secure.
  if (config.env === 'production' && !config.trustProxy) log.warn('config.trust_proxy.off', { hint: 'behind a TLS proxy or load balancer, set TRUST_PROXY=true (README "Running in production")' });
  console.log(`Identity provider: ${config.issuer} (listening on port ${(idp.address() as AddressInfo).port}, store: ${store.kind})`);
  if (metrics && config.metrics.port !== null) {
    const metricsServer = await listenOn(createMetricsServer(metrics, config.metrics.token), config.metrics.port, config.host, 'METRICS_PORT');
    servers.push(metricsServer);
    console.log(`Metrics: http://${config.host ?? 'localhost'}:${(metricsServer.address() as AddressInfo).port}/metrics`);
  }
  if (config.sms.provider === 'outbox') console.log(`Text messages (development outbox): ${config.sms.outboxFile}`);
  if (config.mail.transport === 'outbox') console.log(`Mail (development outbox): ${config.mail.outboxFile}`);
  if (config.mail.transport === 'none') log.warn('config.mail.off', { hint: 'without SMTP_URL and MAIL_FROM no security notice is mailed and "Forgot password?" is not offered (README "Configuration")' });

  if (config.demoApp.enabled) {
    const demo = createDemoApp({ issuer: config.issuer, baseUrl: demoUrl, render: createPageRenderer() });
    servers.push(await listenOn(demo, config.demoApp.port, config.host, 'DEMO_PORT'));
    console.log(`Demo relying app:  ${demoUrl}`);
    if (config.env !== 'production') {
      const account = await ensureDemoAccount(directory, config.dataDir);
      console.log(`Demo account (development only): ${account.email} / ${account.password}`);
    }
  }

  const shutdown = async (signal: string) => {
    log.info('server.stopping', { signal });
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Cannot start: ${error.message}`);
  } else if (isStoreUnavailable(error)) {
    const cause = (error as Error).cause;
    console.error(`Cannot start: the store did not answer (is Redis running at REDIS_URL, do the sentinels of REDIS_SENTINEL_URLS answer and know REDIS_SENTINEL_NAME, or do the nodes of REDIS_CLUSTER_URLS answer? is the SQLite file in DATA_DIR locked by another process, or unreadable?): ${describeError(cause).errorMessage ?? ''}`);
  } else {
    console.error('Cannot start:', describeError(error));
  }
  process.exit(1);
});
