/**
 * How much CPU the rest of the machine took while a scenario ran: the machine's busy time
 * (/proc/stat) minus what the bench's own processes used (/proc/<pid>/stat), in cores. A
 * busy neighbour (a test run, a build) understates throughput, and a 1-minute load average
 * notices it too late; this says which rows it touched. Linux only; undefined elsewhere.
 */
import { readFileSync } from 'node:fs';

export interface CpuSnapshot {
  /** Jiffies since boot, all CPUs: every state, and busy ones (not idle, iowait or steal). */
  total: number;
  busy: number;
  /** utime + stime of the bench's processes (jiffies): this one and those named. */
  ours: number;
  /** utime + stime of each process named, in the order given (jiffies). */
  each: number[];
}

/** utime + stime of one process, in jiffies (0 when it is gone or this is not Linux). */
function processJiffies(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after "pid (comm)": state is 3rd, utime the 14th and stime the 15th of the whole line.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export function cpuSnapshot(pids: (number | undefined)[]): CpuSnapshot | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = values.reduce((sum, v) => sum + v, 0);
    const notOurs = values[3]! + values[4]! + values[7]!; // idle, iowait, and steal (the hypervisor's)
    const each = pids.map(processJiffies);
    return { total, busy: total - notOurs, ours: processJiffies(process.pid) + each.reduce((sum, jiffies) => sum + jiffies, 0), each };
  } catch {
    return undefined;
  }
}

/** Cores the other processes kept busy on average between two snapshots (two decimals). */
export function otherCores(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined, nproc: number): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  const wallPerCore = (after.total - before.total) / nproc;
  const other = after.busy - before.busy - (after.ours - before.ours);
  return Math.round((Math.max(0, other) / wallPerCore) * 100) / 100;
}

/** Linux's USER_HZ: /proc counts CPU time in hundredths of a second on every architecture Node runs on. */
const MS_PER_JIFFY = 10;

/**
 * CPU milliseconds (user + system, every thread: V8, libuv's pool with argon2, SQLite) that one
 * process spent per sign-in between two readings of its jiffies (CpuSnapshot.each). A rate of sign-ins per
 * second on a shared machine moves with the neighbours; the CPU a sign-in costs moves less,
 * so this says where a gap between two scenarios lies (the server, or the driver reading
 * bigger pages) even when rates are noisy. One decimal; undefined without sign-ins.
 */
export function cpuMsPerSignIn(jiffiesBefore: number, jiffiesAfter: number, signIns: number): number | undefined {
  if (signIns <= 0 || jiffiesAfter < jiffiesBefore) return undefined;
  return Math.round(((jiffiesAfter - jiffiesBefore) * MS_PER_JIFFY * 10) / signIns) / 10;
}
