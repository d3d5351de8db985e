/**
 * What every bench server entry point shares: the relying app and account it registers,
 * listening on 127.0.0.1:0, telling the parent its address over IPC, and shutting down when
 * asked (or when the parent goes away).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallCounter } from './call-counter.ts';
import type { BenchAccount, BenchClient, ParentToServer, Pools, ServerMessage, ServerOptions } from '../lib/protocol.ts';

/** Never contacted: the driver reads the redirect to it and stops there. */
export const BENCH_CLIENT: BenchClient = {
  clientId: 'bench-app',
  clientSecret: 'bench-app-secret-0123456789abcdef-not-for-production',
  redirectUri: 'http://127.0.0.1:9/bench-callback',
  scope: 'openid email profile',
};

export const BENCH_ACCOUNT: BenchAccount = { email: 'bench@example.com', password: 'correct horse battery staple (bench)' };

/** The client as oidc-provider registers it: confidential, client_secret_basic, not first_party (consent is asked). */
export const BENCH_CLIENT_METADATA = {
  client_id: BENCH_CLIENT.clientId,
  client_name: 'Bench App',
  client_secret: BENCH_CLIENT.clientSecret,
  token_endpoint_auth_method: 'client_secret_basic',
  redirect_uris: [BENCH_CLIENT.redirectUri],
};

/**
 * The operator's own app (`first_party`: consent is never asked), registered by our server only:
 * the "-first-party" flows count what a sign-in costs without the consent step (issue 10 sets a
 * target for it). The reference has no such notion, so these flows are counted, never timed.
 */
export const BENCH_FIRST_PARTY_CLIENT: BenchClient = { ...BENCH_CLIENT, clientId: 'bench-first-party-app' };

export const BENCH_FIRST_PARTY_CLIENT_METADATA = {
  ...BENCH_CLIENT_METADATA,
  client_id: BENCH_FIRST_PARTY_CLIENT.clientId,
  client_name: 'Bench First-Party App',
  first_party: true,
};

export function serverOptions(): ServerOptions {
  return JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
}

/** Listening before the app exists, so the issuer can be the real address (as test/helpers/start-idp.ts does). */
export async function listenOnLoopback(): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface Started {
  server: Server;
  handler: RequestListener;
  baseUrl: string;
  account: BenchAccount;
  /** The operator's own app, when this server registers one. */
  firstPartyClient?: BenchClient;
  /** Accounts with a second factor, when ServerOptions.pools asked for them. */
  pools?: Pools;
  /** Releases what the server holds besides its sockets (e.g. the store). */
  close(): Promise<void>;
  /** Our server's store-call (and Redis command) counter; the reference has none. */
  callCounter?: CallCounter;
}

const SHUTDOWN_LIMIT_MS = 5_000;
const KiB = (bytes: number) => Math.round(bytes / 1024);

/** The soak's memory probe: a full GC first when asked and the process runs with --expose-gc. */
function memoryReport(gc: boolean): ServerMessage {
  const collect = globalThis.gc;
  if (gc && collect) collect();
  // heapTotal: what V8 has reserved for its heap (in RSS), however little of it is in use after the GC.
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { type: 'memory', rssKiB: KiB(rss), heapUsedKiB: KiB(heapUsed), heapTotalKiB: KiB(heapTotal), externalKiB: KiB(external), gcRan: Boolean(gc && collect) };
}

/**
 * Runs `start`, reports ready (or failed) to the parent, answers 'memory' and 'count-…' requests, and stops on
 * 'shutdown', SIGTERM or a lost parent.
 */
export function runServer(start: () => Promise<Started>): void {
  const send = (message: ServerMessage) => process.send?.(message);
  let stopping = false;
  const stop = (started: Started | undefined, code: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code), SHUTDOWN_LIMIT_MS).unref();
    if (!started) process.exit(code);
    started.server.closeAllConnections();
    started.server.close(() => void started.close().finally(() => process.exit(code)));
  };
  let started: Started | undefined;
  process.on('disconnect', () => stop(started, 1));
  process.on('SIGTERM', () => stop(started, 0));
  process.on('message', (message: ParentToServer) => {
    if (message.type === 'shutdown') stop(started, 0);
    else if (message.type === 'memory') send(memoryReport(message.gc));
    else if (message.type === 'count-start') {
      started?.callCounter?.start();
      send({ type: 'counting' });
    } else if (message.type === 'count-stop') send({ type: 'counts', counts: started?.callCounter?.stop() ?? { storeCalls: {} } });
  });
  start().then(
    (ready) => {
      started = ready;
      ready.server.on('request', ready.handler);
      send({ type: 'ready', baseUrl: ready.baseUrl, client: BENCH_CLIENT, firstPartyClient: ready.firstPartyClient, account: ready.account, pools: ready.pools });
    },
    (error: unknown) => {
      console.error('bench server failed to start:', error);
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      setTimeout(() => process.exit(1), 100);
    },
  );
}
