import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { composeIdentityProvider } from './compose.ts';
import { ConfigError } from '../config/config-error.ts';
import { loadKeys } from './config/keys.ts';
import { loadConfig } from './config/load-config.ts';
import { ensureDemoAccount } from './demo/demo-account.ts';
import { createDemoApp } from './demo/demo-app.ts';
import { demoClientMetadata } from './demo/demo-client.ts';
import { createPageRenderer } from '../plugin/page-renderer.ts';
import { createJsonLogger, describeError } from '../log.ts';
import { loadClients } from './provider/load-clients.ts';
import { openStore } from './open-store.ts';
import { isStoreUnavailable } from '../store/store-errors.ts';

function listenOn(app: { listen(port: number, host?: string): Server }, port: number, host: string | null): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = host ? app.listen(port, host) : app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/** The composition root: config -> keys -> store -> provider + app -> listen. The only place that listens. */
async function main(): Promise<void> {
  const log = createJsonLogger();
  const config = loadConfig();
  const keys = loadKeys(config);
  const store = await openStore(config, { logger: log });
  const persistence = await store.persistence();
  if (config.env === 'production' && persistence === 'ephemeral') {
    await store.close();
    throw new ConfigError('REDIS_URL', 'points at a Redis that keeps nothing on disk (no AOF, no RDB snapshots): accounts and sessions would vanish at its restart; enable persistence');
  }
  if (persistence === 'unknown') log.warn('store.persistence.unknown', { store: store.kind, hint: 'could not read the Redis persistence settings (CONFIG is not allowed); make sure AOF or RDB is on' });
  const demoBaseUrl = `http://localhost:${config.demoApp.port}`;
  const clients = loadClients(config.clientsFile);
  if (config.demoApp.enabled) clients.push(demoClientMetadata(demoBaseUrl));

  const { app, directory } = composeIdentityProvider({ config, keys, store, clients, log });
  const servers: Server[] = [];
  const idp = await listenOn(app, config.port, config.host);
  servers.push(idp);
  console.log(`Identity provider: ${config.issuer} (listening on port ${(idp.address() as AddressInfo).port}, store: ${store.kind})`);
  if (config.sms.provider === 'outbox') console.log(`Text messages (development outbox): ${config.sms.outboxFile}`);

  if (config.demoApp.enabled) {
    const demo = createDemoApp({ issuer: config.issuer, baseUrl: demoBaseUrl, render: createPageRenderer() });
    servers.push(await listenOn(demo, config.demoApp.port, config.host));
    console.log(`Demo relying app:  ${demoBaseUrl}`);
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
    console.error(`Cannot start: the store did not answer (is Redis running at REDIS_URL? is the SQLite file in DATA_DIR locked by another process, or unreadable?): ${describeError(cause).errorMessage ?? ''}`);
  } else {
    console.error('Cannot start:', describeError(error));
  }
  process.exit(1);
});
