/**
 * A Redis Cluster of the test's own on free 127.0.0.1 ports: three primaries (Debian's
 * `redis-server --cluster-enabled yes`), joined with `redis-cli --cluster create`, each in its own
 * temporary directory, keeping nothing on disk. Never the shared Redis on 6379. `reshard` moves
 * slots between primaries with `redis-cli --cluster reshard` (keys migrate while clients run), as
 * an operator adds or drains a primary. `dispose()` kills them all and removes the directories;
 * stopAllProcesses() (server-process.ts) is the last resort after a failure.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { startRedisServer, type OwnRedisServer } from './redis-server.ts';
import { freePort } from './server-process.ts';

const run = promisify(execFile);

/** A cluster node also listens on its bus port, its own port + 10000 (redis.io, "Redis cluster specification"). */
const BUS_PORT_OFFSET = 10_000;
const SLOTS = 16_384;

export interface RedisClusterDeployment {
  /** redis://127.0.0.1:<port> of every primary, as REDIS_CLUSTER_URLS lists them. */
  readonly seedUrls: string[];
  readonly ports: number[];
  /** How many hash slots the primary on that port serves now. */
  slotCountOf(port: number): Promise<number>;
  /** Moves `slots` hash slots from one primary to another while clients run, then waits until every node agrees. */
  reshard(options: { fromPort: number; toPort: number; slots: number; timeoutMs?: number }): Promise<void>;
  dispose(): Promise<void>;
}

/** Whether nobody listens on the port right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose bus port is free too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + BUS_PORT_OFFSET <= 65_535 && (await isFree(port + BUS_PORT_OFFSET))) return port;
  }
}

async function cli(args: string[], timeoutMs: number): Promise<string> {
  const { stdout } = await run('redis-cli', args, { timeout: timeoutMs, env: { PATH: process.env.PATH ?? '' } });
  return stdout;
}

/** `CLUSTER NODES` of one node: each primary's id, port and slot ranges. */
async function nodesSeenBy(port: number, timeoutMs: number) {
  const lines = (await cli(['-p', String(port), 'cluster', 'nodes'], timeoutMs)).trim().split('\n');
  return lines.map((line) => {
    const [id, address, flags, , , , , , ...ranges] = line.split(' ');
    const slots = ranges.filter((range) => !range.startsWith('[')).reduce((sum, range) => {
      const [from, to] = range.split('-').map(Number);
      return sum + ((to ?? from!) - from! + 1);
    }, 0);
    return { id: id!, port: Number(/:(\d+)@/.exec(address!)?.[1]), primary: flags!.includes('master'), slots };
  });
}

export async function startRedisCluster(options: { primaries?: number; readyTimeoutMs?: number } = {}): Promise<RedisClusterDeployment> {
  const count = options.primaries ?? 3;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const servers: OwnRedisServer[] = [];
  const dispose = async () => {
    await Promise.all(servers.map((server) => server.dispose().catch(() => undefined)));
  };

  /** Until every node says the cluster is ok and every node sees the same slots per primary. */
  const agreed = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const infos = await Promise.all(servers.map((server) => cli(['-p', String(server.port), 'cluster', 'info'], timeoutMs)));
        const views = await Promise.all(servers.map(async (server) => JSON.stringify((await nodesSeenBy(server.port, timeoutMs))
          .filter((node) => node.primary).map((node) => [node.port, node.slots]).sort())));
        if (infos.every((info) => /cluster_state:ok/.test(info) && new RegExp(`cluster_slots_ok:${SLOTS}`).test(info)) && new Set(views).size === 1) return;
      } catch {
        // A node still starting or busy: ask again.
      }
      if (Date.now() > deadline) throw new Error(`the cluster did not agree on its slots within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  try {
    for (let i = 0; i < count; i += 1) {
      servers.push(await startRedisServer({
        port: await clusterPort(),
        readyTimeoutMs,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'],
      }));
    }
    await cli(['--cluster', 'create', ...servers.map((server) => `127.0.0.1:${server.port}`), '--cluster-replicas', '0', '--cluster-yes'], readyTimeoutMs);
    await agreed(readyTimeoutMs);
    const idOf = async (port: number) => (await cli(['-p', String(port), 'cluster', 'myid'], readyTimeoutMs)).trim();
    return {
      seedUrls: servers.map((server) => server.url),
      ports: servers.map((server) => server.port),
      async slotCountOf(port) {
        return (await nodesSeenBy(port, readyTimeoutMs)).find((node) => node.port === port)?.slots ?? 0;
      },
      async reshard({ fromPort, toPort, slots, timeoutMs = readyTimeoutMs }) {
        await cli(['--cluster', 'reshard', `127.0.0.1:${fromPort}`, '--cluster-from', await idOf(fromPort), '--cluster-to', await idOf(toPort),
          '--cluster-slots', String(slots), '--cluster-yes'], timeoutMs);
        await agreed(timeoutMs);
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
