/**
 * A Redis Cluster of the test's own on free 127.0.0.1 ports: three primaries by default, no replicas
 * (Debian's `redis-server --cluster-enabled yes`, joined with `redis-cli --cluster create`), each in
 * its own temporary directory, keeping nothing on disk. Never the shared Redis on 6379. `reshard`
 * moves hash slots between primaries with `redis-cli --cluster reshard` (keys move with MIGRATE while
 * clients keep running), as an operator does when adding or draining a primary. `dispose()` kills
 * every node and removes the directories; stopAllProcesses() (server-process.ts) is the last resort.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { startRedisServer, type OwnRedisServer } from './redis-server.ts';
import { freePort } from './server-process.ts';

const execFileAsync = promisify(execFile);

export interface RedisClusterDeployment {
  /** redis://127.0.0.1:<port> of every primary, as REDIS_CLUSTER_URLS lists seed nodes. */
  readonly seedUrls: string[];
  readonly ports: number[];
  /** The node id (CLUSTER MYID) of the primary on that port. */
  nodeIdOf(port: number): Promise<string>;
  /** How many hash slots the primary on that port serves now (its own CLUSTER NODES line). */
  slotCountOf(port: number): Promise<number>;
  /**
   * Moves `slots` hash slots from one primary to another with `redis-cli --cluster reshard … --cluster-yes`
   * (keys move with MIGRATE, while clients keep running), then waits until every node reports
   * cluster_state:ok and agrees on the slot map.
   */
  reshard(options: { fromPort: number; toPort: number; slots: number; timeoutMs?: number }): Promise<void>;
  dispose(): Promise<void>;
}

/** A cluster node also listens on its bus port, its own port + 10000 (redis.io, "Redis cluster specification"). */
const BUS_PORT_OFFSET = 10_000;
const MAX_PORT = 65_535;
const SLOTS = 16_384;
/** `redis-cli --cluster create` refuses fewer ("Redis Cluster requires at least 3 master nodes"). */
const MIN_PRIMARIES = 3;
const POLL_MS = 100;
/** One `cluster info` or `cluster nodes` answers in milliseconds; a longer wait means a node is stuck. */
const QUERY_TIMEOUT_MS = 5_000;
/** A reshard prints a line per slot and per batch of keys: more than execFile's default 1 MiB for big moves. */
const CLI_MAX_BUFFER = 64 * 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Listens on the port for a moment; undefined if someone else has it. */
function holdPort(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function release(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** A free port whose bus port (+10000, at most 65535) is free too: both bound at once, then let go. */
async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = await freePort();
    if (port + BUS_PORT_OFFSET > MAX_PORT) continue;
    const held = await Promise.all([holdPort(port), holdPort(port + BUS_PORT_OFFSET)]);
    await Promise.all(held.map(release));
    if (held.every(Boolean)) return port;
  }
  throw new Error('found no free 127.0.0.1 port with a free bus port (+10000)');
}

/**
 * One cluster node in its own temporary directory (redis-server resolves nodes.conf against its --dir).
 * `--cluster-allow-replica-migration no`: by default (Redis 7) a primary resharded down to no slots turns
 * itself into a replica of the primary that took its last slot; here every port stays a primary.
 * Another test may take the port between the check and the bind: then it tries another port.
 */
async function startNode(readyTimeoutMs: number): Promise<OwnRedisServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startRedisServer({
        port: await clusterPort(),
        readyTimeoutMs,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000',
          '--cluster-allow-replica-migration', 'no'],
      });
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

/** Runs redis-cli; a non-zero exit or a timeout throws with what it printed (its errors go to stdout or stderr). */
async function cli(args: string[], timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await execFileAsync('redis-cli', args, {
      timeout: timeoutMs,
      maxBuffer: CLI_MAX_BUFFER,
      env: { PATH: process.env.PATH ?? '' },
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '', killed } = error as { stdout?: string; stderr?: string; killed?: boolean };
    const why = killed ? `did not finish within ${timeoutMs} ms` : `failed: ${(error as Error).message.split('\n')[0]}`;
    throw new Error(`redis-cli ${args.join(' ')} ${why}\n${stderr.trim()}\n${stdout.trim().slice(-4_000)}`);
  }
}

interface ClusterNode {
  readonly id: string;
  readonly port: number;
  readonly myself: boolean;
  readonly primary: boolean;
  /** Slot ranges it serves ("0-5460", "7000"), without the "[slot->-id]" marks of a move under way. */
  readonly ranges: string[];
  /** Whether this node marks a slot as migrating or importing: a reshard is not over. */
  readonly moving: boolean;
}

/**
 * One line of CLUSTER NODES: `<id> <ip:port@cport[,hostname]> <flags> <primary> <ping-sent> <pong-recv>
 * <config-epoch> <link-state> <slot> <slot> …` (redis.io, "CLUSTER NODES").
 */
function parseNode(line: string): ClusterNode {
  const [id = '', address = '', flags = '', , , , , , ...slots] = line.trim().split(' ');
  const flagList = flags.split(',');
  return {
    id,
    port: Number(/:(\d+)@/.exec(address)?.[1]),
    myself: flagList.includes('myself'),
    primary: flagList.includes('master'),
    ranges: slots.filter((slot) => !slot.startsWith('[')),
    moving: slots.some((slot) => slot.startsWith('[')),
  };
}

function countSlots(ranges: string[]): number {
  return ranges.reduce((sum, range) => {
    const [from = 0, to = from] = range.split('-').map(Number);
    return sum + to - from + 1;
  }, 0);
}

async function nodesSeenBy(port: number): Promise<ClusterNode[]> {
  const text = await cli(['-p', String(port), 'cluster', 'nodes'], QUERY_TIMEOUT_MS);
  return text.split('\n').filter((line) => line.trim()).map(parseNode);
}

/** Why this node is not settled yet, or undefined; and its slot map (primary id → ranges) to compare. */
async function viewOf(port: number): Promise<{ problem?: string; slotMap: string }> {
  const [info, nodes] = await Promise.all([cli(['-p', String(port), 'cluster', 'info'], QUERY_TIMEOUT_MS), nodesSeenBy(port)]);
  const slotMap = nodes.filter((node) => node.primary).map((node) => `${node.id} ${node.ranges.join(' ')}`).sort().join('\n');
  if (!/^cluster_state:ok\r?$/m.test(info)) return { problem: `${port}: ${/^cluster_state:.*$/m.exec(info)?.[0]}`, slotMap };
  if (!new RegExp(`^cluster_slots_assigned:${SLOTS}\\r?$`, 'm').test(info)) {
    return { problem: `${port}: ${/^cluster_slots_assigned:.*$/m.exec(info)?.[0]}`, slotMap };
  }
  if (nodes.some((node) => node.moving)) return { problem: `${port}: a slot is still migrating or importing`, slotMap };
  return { slotMap };
}

/**
 * Until every node says cluster_state:ok with all 16384 slots assigned, none has a slot half-moved, and all
 * see the same primary serving each slot range: gossip spreads a change node by node, so one node's word
 * is not enough. Polls every 100 ms; throws with the last thing that was wrong once `timeoutMs` passes.
 */
async function waitForAgreement(ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let problem: string;
    try {
      const views = await Promise.all(ports.map(viewOf));
      problem = views.find((view) => view.problem)?.problem
        ?? (new Set(views.map((view) => view.slotMap)).size > 1 ? 'the nodes do not agree on the slot map yet' : '');
      if (!problem) return;
    } catch (error) {
      problem = (error as Error).message; // a node still starting or busy: ask again
    }
    if (Date.now() > deadline) throw new Error(`the Redis Cluster did not settle within ${timeoutMs} ms: ${problem}`);
    await sleep(POLL_MS);
  }
}

/**
 * Starts `primaries` nodes (3 by default, the fewest redis-cli accepts), gives them the 16384 slots in equal
 * parts, and resolves once every node agrees; `readyTimeoutMs` (30 s by default) bounds each of those steps.
 */
export async function startRedisCluster(
  options: { primaries?: number; readyTimeoutMs?: number } = {},
): Promise<RedisClusterDeployment> {
  const primaries = options.primaries ?? MIN_PRIMARIES;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  if (primaries < MIN_PRIMARIES) throw new Error(`a Redis Cluster needs at least ${MIN_PRIMARIES} primaries, not ${primaries}`);
  const servers: OwnRedisServer[] = [];
  /** SIGKILL: nothing of theirs is worth keeping, and a cluster node's SIGTERM first rewrites nodes.conf. */
  const dispose = async () => {
    await Promise.all(servers.map(async (server) => {
      if (server.isRunning()) await server.kill().catch(() => undefined);
      await server.dispose().catch(() => undefined);
    }));
  };
  try {
    // One after another: a started node holds its port and bus port, so the next pick cannot collide with it.
    for (let i = 0; i < primaries; i += 1) servers.push(await startNode(readyTimeoutMs));
    const ports = servers.map((server) => server.port);
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await cli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], readyTimeoutMs);
    await waitForAgreement(ports, readyTimeoutMs);

    const nodeIdOf = async (port: number) => (await cli(['-p', String(port), 'cluster', 'myid'], QUERY_TIMEOUT_MS)).trim();
    const slotCountOf = async (port: number) => countSlots((await nodesSeenBy(port)).find((node) => node.myself)?.ranges ?? []);
    return {
      seedUrls: servers.map((server) => server.url),
      ports,
      nodeIdOf,
      slotCountOf,
      async reshard({ fromPort, toPort, slots, timeoutMs = 120_000 }) {
        const deadline = Date.now() + timeoutMs;
        const [from, to, held] = await Promise.all([nodeIdOf(fromPort), nodeIdOf(toPort), slotCountOf(fromPort)]);
        // redis-cli would quietly move fewer (all it has) and exit 0; a test asking for more has miscounted.
        if (fromPort === toPort || slots < 1 || slots > held) {
          throw new Error(`cannot move ${slots} slots from ${fromPort} (it serves ${held}) to ${toPort}`);
        }
        await cli(['--cluster', 'reshard', `127.0.0.1:${fromPort}`, '--cluster-from', from, '--cluster-to', to,
          '--cluster-slots', String(slots), '--cluster-pipeline', '10', '--cluster-yes'], Math.max(deadline - Date.now(), 1));
        await waitForAgreement(ports, Math.max(deadline - Date.now(), POLL_MS));
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
