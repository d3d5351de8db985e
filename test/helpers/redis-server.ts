/**
 * A throw-away redis-server of the test's own, on a free 127.0.0.1 port, keeping nothing on disk:
 * for fault tests that stop and restart Redis. Never the shared Redis on 6379.
 */
import { freePort, spawnTracked, tempDir, waitForOutput, type ExitInfo, type TrackedProcess } from './server-process.ts';

export interface OwnRedisServer {
  readonly port: number;
  readonly url: string;
  isRunning(): boolean;
  /** SIGTERM, waits for the exit (SIGKILL after `timeoutMs`). Everything it held is gone. */
  stop(timeoutMs?: number): Promise<ExitInfo>;
  /** SIGKILL: the machine dies, nothing is flushed or handed over. */
  kill(): Promise<ExitInfo>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Stops it (if running) and removes its working directory. */
  dispose(): Promise<void>;
}

const READY = /Ready to accept connections/;

/**
 * `args` are added to the command line (e.g. `--replicaof 127.0.0.1 <port>` for a replica);
 * `ready` is what it prints once it serves (a replica: once it has synced with its primary).
 */
export async function startRedisServer(options: { port?: number; readyTimeoutMs?: number; args?: string[]; ready?: RegExp } = {}): Promise<OwnRedisServer> {
  const port = options.port ?? (await freePort());
  const work = tempDir('oidc-mfa-redis-');
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let current: TrackedProcess | undefined;

  const start = async () => {
    if (current?.isRunning()) throw new Error(`redis-server on ${port} is already running`);
    current = spawnTracked(`redis-server :${port}`, 'redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', work.dir,
      ...(options.args ?? []),
    ], { env: { PATH: process.env.PATH ?? '' }, cwd: work.dir });
    try {
      await waitForOutput(current, options.ready ?? READY, readyTimeoutMs);
    } catch (error) {
      await current.kill().catch(() => undefined);
      throw error;
    }
  };
  await start();

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    isRunning: () => Boolean(current?.isRunning()),
    stop: async (timeoutMs = 5_000) => current!.stop({ timeoutMs }),
    kill: async () => current!.kill(),
    start,
    async dispose() {
      if (current?.isRunning()) await current.stop().catch(() => undefined);
      work.remove();
    },
  };
}
