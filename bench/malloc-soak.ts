/**
 * `node bench/malloc-soak.ts [--seconds 180] [--warmup 30] [--stores sqlite,redis] [--variants default,arena2,...] [--repeats 1]`
 *
 * The memory soak (`npm run bench -- --soak`) once per store and per glibc malloc setting, one
 * after the other (never in parallel: they would share the cores), and a table of what the
 * server's RSS did after the warm-up. With --repeats N the whole set runs N times, interleaved
 * (every setting once per repeat, the order reversed every other repeat, as the bench's rounds do),
 * so neighbours that come and go on this shared machine fall on every setting alike; a second
 * table gives each setting's median growth over the repeats, with the lowest and highest. Issue 15's target: less than 30 MiB of growth over a 180 s
 * soak after a 30 s warm-up, on both stores.
 *
 * Why malloc: argon2id (m = 19 MiB, OWASP) allocates its work buffer with malloc on libuv's
 * worker threads. glibc gives each thread its own arena (up to 8 per core) and raises its mmap
 * threshold to the size of the last freed mmapped chunk (up to 32 MiB on 64-bit), so after the
 * first few hashes every 19 MiB buffer comes from an arena's heap and stays there when freed
 * (mallopt(3): M_MMAP_THRESHOLD, M_ARENA_MAX; "Memory Allocation Tunables" in the glibc manual).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Each setting as the environment glibc reads at process start. */
const VARIANTS: Record<string, Record<string, string>> = {
  default: {},
  // Two arenas however many threads: the worker threads share them.
  arena2: { MALLOC_ARENA_MAX: '2' },
  // A fixed mmap threshold (128 KiB, glibc's initial one) turns the dynamic raise off: every argon2
  // buffer is its own mmap, returned to the system at free.
  mmap: { MALLOC_MMAP_THRESHOLD_: '131072' },
  'arena2+mmap': { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' },
  // Another allocator: jemalloc (Debian's libjemalloc2, which redis-server's package already
  // pulls in) in place of glibc's malloc, for every thread, argon2's workers included.
  jemalloc: { LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2' },
  // Not malloc: V8's young generation capped at 8 MiB per semi-space (Node's flag), to see how much
  // of the RSS is V8 keeping a large heap reserved (heapTotal) rather than native memory.
  'mmap+semi8': { MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-semi-space-size=8' },
  'mmap+grow50': { MALLOC_MMAP_THRESHOLD_: '131072' },
  'mmap+semi8+grow50': { MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-semi-space-size=8' },
};

/**
 * V8 flags Node refuses in NODE_OPTIONS, given on the bench's command line instead (its children,
 * the server and the load driver, inherit them). --heap-growing-percent: V8's old generation may
 * grow by at most that share of its live size before the next full GC, instead of by V8's own
 * factor (up to 4× under a high allocation rate).
 */
const NODE_FLAGS: Record<string, string[]> = {
  'mmap+grow50': ['--heap-growing-percent=50'],
  'mmap+semi8+grow50': ['--heap-growing-percent=50'],
};

interface Memory {
  samples: { t: number; mib: number }[];
  startMiB?: number;
  endMiB?: number;
  growthMiB?: number;
  peakSampledMiB?: number;
  secondHalfTrendMiBPerMinute?: number;
  heapAfterGc?: { startMiB: number; endMiB: number; totalStartMiB?: number; totalEndMiB?: number };
}

interface SoakRun {
  store: string;
  variant: string;
  flows?: number;
  errors?: number;
  perSecond?: number;
  memory?: Memory;
  failure?: string;
}

/** One soak's figures from the JSON the bench wrote. */
function readRun(store: string, variant: string, file: string): SoakRun {
  const { results } = JSON.parse(readFileSync(file, 'utf8')) as { results: { driver?: { flows: number; errors: number; warmupErrors: number }; signInsPerSecond?: number; memory: Memory; failure?: string } };
  return {
    store, variant,
    flows: results.driver?.flows,
    errors: results.driver ? results.driver.errors + results.driver.warmupErrors : undefined,
    perSecond: results.signInsPerSecond,
    memory: results.memory,
    failure: results.failure,
  };
}

function runOne(store: string, variant: string, seconds: number, warmup: number): Promise<SoakRun> {
  const env: Record<string, string | undefined> = { ...process.env };
  // Whatever the calling shell set must not leak into another variant.
  for (const name of Object.keys(env)) if (name.startsWith('MALLOC_') || name === 'NODE_OPTIONS') delete env[name];
  Object.assign(env, VARIANTS[variant]);
  const child = spawn(process.execPath, [...(NODE_FLAGS[variant] ?? []), path.join(BENCH_DIR, 'run.ts'), '--soak', String(seconds), '--soak-store', store, '--warmup', String(warmup)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  return new Promise((resolve) => {
    child.on('exit', () => {
      const file = /results written to (\S+\.json)/.exec(stderr)?.[1];
      if (!file) return resolve({ store, variant, failure: `no results (exit): ${stderr.slice(-300)}` });
      resolve(readRun(store, variant, file));
    });
  });
}

const fixed = (value: number | undefined, digits = 1) => (value === undefined ? 'n/a' : value.toFixed(digits));

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Samples of the measured phase in [from, to) seconds. */
const within = (m: Memory | undefined, from: number, to: number) => (m?.samples ?? []).filter((s) => s.t >= from && s.t < to).map((s) => s.mib);

/**
 * RSS under load, robust to the moment of a sample: argon2 buffers in flight (19 MiB each, up to
 * libuv's 4 threads) and V8's young generation swing one sample by tens of MiB, and the soak's own
 * "end" is taken after the load stopped (when glibc may trim). So: the median of the first 30 s
 * of the measured phase against the median of its last 30 s, and the highest sample.
 */
function underLoad(m: Memory | undefined, seconds: number) {
  const first = median(within(m, 0, 30));
  const last = median(within(m, seconds - 30, seconds + 1));
  return { first, last, growth: first === undefined || last === undefined ? undefined : last - first, peak: Math.max(...within(m, 0, seconds + 1)) };
}

/** Per store and setting: the median growth under load over the repeats, with its range. */
function summary(runs: SoakRun[], seconds: number): string {
  const keys = [...new Set(runs.map((r) => `${r.store}|${r.variant}`))];
  return [
    `Growth under load per store and setting over ${Math.max(...keys.map((key) => runs.filter((r) => `${r.store}|${r.variant}` === key).length))} interleaved repeats:`,
    '',
    '| store | setting | repeats | growth MiB, median (lowest–highest) | target |',
    '|---|---|--:|--:|---|',
    ...keys.map((key) => {
      const [store, variant] = key.split('|') as [string, string];
      const growths = runs.filter((r) => r.store === store && r.variant === variant && !r.failure)
        .map((r) => underLoad(r.memory, seconds).growth).filter((g): g is number => g !== undefined);
      const mid = median(growths);
      const range = growths.length ? ` (${fixed(Math.min(...growths))}–${fixed(Math.max(...growths))})` : '';
      return `| ${store} | ${variant} | ${growths.length} | ${fixed(mid)}${range} | ${mid === undefined ? 'n/a' : mid < 30 ? 'met' : 'not met'} |`;
    }),
  ].join('\n');
}

function table(runs: SoakRun[], seconds: number, warmup: number): string {
  return [
    `RSS of the server over a ${seconds} s soak after a ${warmup} s warm-up (target: growth < 30 MiB):`,
    '',
    '| store | malloc | sign-ins | errors | /s | RSS first 30 s → last 30 s (median) MiB | growth MiB | highest sample MiB | start → end sample MiB | trend, 2nd half MiB/min | V8 heap after GC: used (reserved) MiB | target |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    ...runs.map((r) => {
      const m = r.memory;
      const load = underLoad(m, seconds);
      const setting = [...Object.entries(VARIANTS[r.variant] ?? {}).map(([k, v]) => `${k}=${v}`), ...(NODE_FLAGS[r.variant] ?? [])].join(' ') || 'glibc defaults';
      const met = load.growth === undefined ? 'n/a' : load.growth < 30 ? 'met' : 'not met';
      return `| ${r.store} | ${setting} | ${r.flows ?? 'n/a'} | ${r.errors ?? 'n/a'} | ${fixed(r.perSecond)} | ${fixed(load.first, 0)} → ${fixed(load.last, 0)} | ${fixed(load.growth)} | ${fixed(load.peak, 0)} | ${fixed(m?.startMiB, 0)} → ${fixed(m?.endMiB, 0)} | ${fixed(m?.secondHalfTrendMiBPerMinute)} | ${m?.heapAfterGc ? `${m.heapAfterGc.startMiB} → ${m.heapAfterGc.endMiB} (${fixed(m.heapAfterGc.totalStartMiB, 0)} → ${fixed(m.heapAfterGc.totalEndMiB, 0)})` : 'n/a'} | ${r.failure ? `FAILED: ${r.failure}` : met} |`;
    }),
  ].join('\n');
}

const { values } = parseArgs({ options: { seconds: { type: 'string' }, warmup: { type: 'string' }, stores: { type: 'string' }, variants: { type: 'string' }, repeats: { type: 'string' }, table: { type: 'string' } } });
const seconds = Number(values.seconds ?? 180);
const warmup = Number(values.warmup ?? 30);
const stores = (values.stores ?? 'sqlite,redis').split(',');
const variants = (values.variants ?? 'default,arena2').split(',');
const repeats = Number(values.repeats ?? 1);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats must be a whole number of at least 1');
for (const variant of variants) if (!VARIANTS[variant]) throw new Error(`unknown variant ${variant}: ${Object.keys(VARIANTS).join(', ')}`);
const runs: SoakRun[] = [];
if (values.table) {
  // --table store:variant:file.json,…: tabulate soaks already run (bench/results/soak-*.json).
  for (const entry of values.table.split(',')) {
    const [store, variant, file] = entry.split(':') as [string, string, string];
    runs.push(readRun(store, variant, file));
  }
} else {
  for (let repeat = 1; repeat <= repeats; repeat += 1) {
    const plan = stores.flatMap((store) => variants.map((variant) => ({ store, variant })));
    if (repeat % 2 === 0) plan.reverse();
    for (const { store, variant } of plan) runs.push(await runOne(store, variant, seconds, warmup));
  }
}
console.log(table(runs, seconds, warmup));
if (repeats > 1 || values.table) console.log(`\n${summary(runs, seconds)}`);
