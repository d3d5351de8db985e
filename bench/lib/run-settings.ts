/**
 * How a bench run is set up (from the command line, lib/args.ts) and where cleanup work waits: a
 * leaf the runs, sessions and reports all read, so none of them imports another for it.
 */
export interface RunSettings {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  flowTimeoutMs: number;
  /** Rounds of every chosen scenario (lib/rounds.ts); the soak has one. */
  rounds: number;
  /** Sequential sign-ins per scenario whose store calls and Redis commands are counted; 0: none. */
  countSignIns: number;
  /** `--count-only`: the calls count and nothing else (rounds is 0); its report has the counts by request step. */
  countOnly?: boolean;
  /** When set, every server child runs with --cpu-prof and writes <scenario>.cpuprofile here. */
  cpuProfDir?: string;
}

/** Sends cleanup work to the caller's signal handler while it is pending. */
export type CleanupRegistry = Set<() => Promise<unknown>>;
