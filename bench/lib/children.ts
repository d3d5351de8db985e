/**
 * Child processes of the bench: every one is tracked from fork to exit, so none outlives the
 * parent, whatever happens (killAll on exit, on signals and on errors).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
const live = new Set<ChildProcess>();

/**
 * Forks bench/<entry> (a .ts file, run by this same Node) with an IPC channel; stdout/stderr go
 * to `outputFd` or are inherited. `extraExecArgv` adds Node options (e.g. --cpu-prof) to ours.
 */
export function startChild(entry: string, args: string[], outputFd?: number, extraExecArgv: string[] = []): ChildProcess {
  const output = outputFd ?? 'inherit';
  const child = fork(path.join(BENCH_DIR, entry), args, { stdio: ['ignore', outputFd ?? 'ignore', output, 'ipc'], execArgv: [...process.execArgv, ...extraExecArgv] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** The first IPC message from `child`; rejects when it exits first or `limitMs` passes. */
export function nextMessage<T>(child: ChildProcess, what: string, limitMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      done();
      resolve(message as T);
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(new Error(`${what}: the process exited (${signal ?? `code ${code}`}) before answering`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer within ${Math.round(limitMs / 1000)} s`));
    }, limitMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** A `Vm…: N kB` line of a live process's /proc/<pid>/status, in KiB; undefined when it cannot be read. */
function statusKiB(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size (VmHWM) of a live process, in KiB. */
export const peakRssKiB = (pid: number | undefined) => statusKiB(pid, 'VmHWM');

/** Resident set size now (VmRSS) of a live process, in KiB. */
export const rssKiB = (pid: number | undefined) => statusKiB(pid, 'VmRSS');

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Asks politely (an IPC 'shutdown' message, or SIGTERM), and SIGKILLs after `graceMs`.
 * Resolves once it has exited.
 */
export async function stopChild(child: ChildProcess, how: 'message' | 'signal', graceMs = 5_000): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (how === 'message' && child.connected) child.send({ type: 'shutdown' }, () => {});
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Synchronous last resort, for process exit and signals: SIGKILL every child still running. */
export function killAll(): void {
  for (const child of live) {
    if (!exited(child)) child.kill('SIGKILL');
  }
}
