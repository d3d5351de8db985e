/**
 * A Redis Sentinel deployment of the test's own on free 127.0.0.1 ports: a primary, a replica and
 * three sentinels (`redis-server --sentinel`, Debian's redis-server package), each in its own
 * temporary directory. Never the shared Redis on 6379. `dispose()` kills them all and removes the
 * directories; stopAllProcesses() (server-process.ts) is the last resort after a failure.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startRedisServer, type OwnRedisServer } from './redis-server.ts';
import { freePort, spawnTracked, tempDir, waitForOutput, type TrackedProcess } from './server-process.ts';

export interface SentinelDeployment {
  readonly name: string;
  readonly primary: OwnRedisServer;
  readonly replica: OwnRedisServer;
  /** redis://127.0.0.1:<port> of each sentinel, as REDIS_SENTINEL_URLS lists them. */
  readonly sentinelUrls: string[];
  /** Resolves once a sentinel's log says the primary moved (`+switch-master`); the new primary's port. */
  switchedMaster(timeoutMs: number): Promise<number>;
  dispose(): Promise<void>;
}

const SENTINELS = 3;
/** Two of three sentinels must agree the primary is down (a majority, as redis.io's Sentinel guide advises). */
const QUORUM = 2;

export async function startSentinelDeployment(options: { name?: string; downAfterMs?: number; readyTimeoutMs?: number } = {}): Promise<SentinelDeployment> {
  const name = options.name ?? 'oidc-mfa-test';
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const started: { dispose(): Promise<void> }[] = [];
  const sentinels: TrackedProcess[] = [];
  const dirs: { remove(): void }[] = [];
  const dispose = async () => {
    await Promise.all(sentinels.map((s) => s.kill().catch(() => undefined)));
    await Promise.all(started.map((s) => s.dispose().catch(() => undefined)));
    for (const dir of dirs) dir.remove();
  };
  try {
    const primary = await startRedisServer({ readyTimeoutMs });
    started.push(primary);
    // A replica is ready once its first sync with the primary is done, not when it listens.
    const replica = await startRedisServer({ readyTimeoutMs, args: ['--replicaof', '127.0.0.1', String(primary.port)], ready: /MASTER <-> REPLICA sync: Finished with success/ });
    started.push(replica);
    const sentinelUrls: string[] = [];
    for (let i = 0; i < SENTINELS; i += 1) {
      const port = await freePort();
      const dir = tempDir('oidc-mfa-sentinel-');
      dirs.push(dir);
      // A sentinel rewrites its config file (it records what it learns), so each has its own.
      const file = path.join(dir.dir, 'sentinel.conf');
      writeFileSync(file, [
        `port ${port}`,
        'bind 127.0.0.1',
        'daemonize no',
        `dir ${dir.dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primary.port} ${QUORUM}`,
        `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'));
      const sentinel = spawnTracked(`redis-sentinel :${port}`, 'redis-server', [file, '--sentinel'], { env: { PATH: process.env.PATH ?? '' }, cwd: dir.dir });
      sentinels.push(sentinel);
      await waitForOutput(sentinel, /\+monitor master/, readyTimeoutMs);
      sentinelUrls.push(`redis://127.0.0.1:${port}`);
    }
    // Every sentinel has found the replica (through the primary) before anyone relies on a failover.
    await Promise.all(sentinels.map((s) => waitForOutput(s, /\+slave slave/, readyTimeoutMs)));
    return {
      name,
      primary,
      replica,
      sentinelUrls,
      async switchedMaster(timeoutMs) {
        const match = await Promise.any(sentinels.map((s) => waitForOutput(s, new RegExp(`\\+switch-master ${name} \\S+ \\d+ \\S+ (\\d+)`), timeoutMs)));
        return Number(match[1]);
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
