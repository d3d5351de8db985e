/**
 * Real processes for multi-instance and fault tests: `node src/hosted/server.ts` (what `npm start` runs),
 * the operator CLI, and anything else a test spawns. Every child is tracked, every wait is bounded,
 * and `stopAllProcesses()` (for afterAll/afterEach) leaves nothing running even after a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ClientMetadata } from 'oidc-provider';
import { generateKeysFile } from '../../src/hosted/config/keys.ts';
import { PROJECT_ROOT } from '../../src/hosted/config/load-config.ts';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process the helpers started, with its output kept (the last 256 KiB) for failure messages. */
export interface TrackedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  output(): string;
  isRunning(): boolean;
  /** SIGTERM (or `signal`), then SIGKILL after `timeoutMs`; resolves when it has exited. */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<ExitInfo>;
  /** SIGKILL now; resolves when it has exited. */
  kill(): Promise<ExitInfo>;
}

const OUTPUT_LIMIT = 256 * 1024;
const live = new Set<TrackedProcess>();

/** Last resort if the test process itself goes away: no orphan keeps a port or a Redis. */
process.once('exit', () => {
  for (const tracked of live) {
    try {
      tracked.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Spawns `command` with stdout and stderr captured, and tracks it until it exits. */
export function spawnTracked(name: string, command: string, args: string[], options: { env: Record<string, string>; cwd?: string; stdin?: string }): TrackedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: options.env,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  let running = true;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      running = false;
      output += `\n[spawn error] ${error.message}`;
      resolve({ code: null, signal: null });
    });
  });
  const tracked: TrackedProcess = {
    name,
    child,
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    isRunning: () => running,
    async stop({ signal = 'SIGTERM', timeoutMs = 5_000 } = {}) {
      if (running) child.kill(signal);
      const first = await withTimeout(exited, timeoutMs);
      if (first !== 'timeout') return first;
      child.kill('SIGKILL');
      const second = await withTimeout(exited, 5_000);
      if (second === 'timeout') throw new Error(`${name} (pid ${child.pid}) did not exit after SIGKILL`);
      return second;
    },
    kill() {
      return tracked.stop({ signal: 'SIGKILL', timeoutMs: 5_000 });
    },
  };
  live.add(tracked);
  void exited.then(() => live.delete(tracked));
  return tracked;
}

/** Stops every process the helpers started and that is still running (SIGTERM, then SIGKILL). */
export async function stopAllProcesses(timeoutMs = 5_000): Promise<void> {
  await Promise.all([...live].map((tracked) => tracked.stop({ timeoutMs }).catch(() => undefined)));
}

/** Resolves when `pattern` appears in the process's output; rejects if it exits first or `timeoutMs` passes. */
export async function waitForOutput(tracked: TrackedProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(tracked.output());
    if (match) return match;
    if (!tracked.isRunning()) throw new Error(`${tracked.name} exited before printing ${pattern}:\n${tracked.output()}`);
    if (Date.now() > deadline) throw new Error(`${tracked.name} did not print ${pattern} within ${timeoutMs} ms:\n${tracked.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A port nobody listens on right now (127.0.0.1): for programs that cannot take port 0, like redis-server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a spawned child: PATH and exactly what the test gives, nothing inherited (no NODE_OPTIONS from jest). */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', ...env };
}

export interface ProviderProcess extends TrackedProcess {
  /** The port it reported listening on. */
  readonly port: number;
  /** http://127.0.0.1:<port>: the process itself, bypassing any proxy. */
  readonly directUrl: string;
}

/**
 * Starts `node src/hosted/server.ts` with `env` (PORT defaults to 0: server.ts prints the port it got)
 * and resolves once it printed "Identity provider: … (listening on port N …)".
 */
export async function startProviderProcess(name: string, env: Record<string, string>, readyTimeoutMs = 30_000): Promise<ProviderProcess> {
  const tracked = spawnTracked(name, process.execPath, ['src/hosted/server.ts'], { env: childEnv({ PORT: '0', ...env }) });
  try {
    const match = await waitForOutput(tracked, /Identity provider: \S+ \(listening on port (\d+), store: \w+\)/, readyTimeoutMs);
    const port = Number(match[1]);
    return Object.assign(tracked, { port, directUrl: `http://127.0.0.1:${port}` });
  } catch (error) {
    await tracked.kill().catch(() => undefined);
    throw error;
  }
}

/** Runs the operator CLI (`node src/hosted/cli/main.ts …`) against the same environment as the provider. */
export async function runCli(env: Record<string, string>, args: string[], stdin?: string, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const tracked = spawnTracked(`cli ${args.slice(0, 2).join(' ')}`, process.execPath, ['src/hosted/cli/main.ts', ...args], { env: childEnv(env), stdin });
  const exit = await withTimeout(tracked.exited, timeoutMs);
  if (exit === 'timeout') {
    await tracked.kill();
    throw new Error(`CLI ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${tracked.output()}`);
  }
  return { code: exit.code, output: tracked.output() };
}

/** `user add` through the CLI; throws with the CLI's output when it fails. */
export async function addAccountWithCli(env: Record<string, string>, email: string, password: string): Promise<void> {
  const { code, output } = await runCli(env, ['user', 'add', '--email', email, '--password-stdin'], `${password}\n`);
  if (code !== 0 || !output.includes(`added ${email}`)) throw new Error(`CLI user add ${email} failed (exit ${code}):\n${output}`);
}

/** A temporary directory, and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh keys file (signing, cookie and sealing keys) every instance of one deployment shares; mode 0600. */
export function writeKeysFile(dir: string): string {
  const file = path.join(dir, 'keys.json');
  writeFileSync(file, JSON.stringify(generateKeysFile()), { mode: 0o600 });
  return file;
}

/** CLIENTS_FILE content. */
export function writeClientsFile(dir: string, clients: ClientMetadata[]): string {
  const file = path.join(dir, 'clients.json');
  writeFileSync(file, JSON.stringify(clients, null, 2), { mode: 0o600 });
  return file;
}
