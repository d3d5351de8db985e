/**
 * Where a server's main thread spent its time, from a .cpuprofile that `npm run bench --
 * --cpu-prof-dir <dir>` wrote: self time by function and by where the code lives (our src/,
 * a package in node_modules, Node's own node:*, V8's GC/program/idle).
 *
 *   npx node bench/tools/cpuprofile-summary.ts <file.cpuprofile>... [--top 25] [--last-seconds 10]
 *
 * `--last-seconds` keeps only the end of the profile: the server stops right after the driver,
 * so the last warm-up + duration seconds are the load phases, without start-up or enrolment.
 * Off-thread work (argon2 on libuv's thread pool) is not in a main-thread profile.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PROJECT = path.resolve(import.meta.dirname, '../..');

/** Where a frame's code lives: a package, our src/ or bench/, Node itself, or V8. */
export function placeOf({ url, functionName }: CallFrame): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:*';
  const file = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
  if (pkg) return pkg;
  const relative = path.relative(PROJECT, file);
  return relative.startsWith('..') ? file : relative.split(path.sep).slice(0, 2).join('/');
}

function frameName(frame: CallFrame): string {
  const file = frame.url ? frame.url.replace(/^file:\/\//, '').replace(`${PROJECT}/`, '').replace(/^.*node_modules\//, '') : '';
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

/** Self time per function and per place; samples earlier than `lastUs` before the profile's end are left out. */
export function summarize(profile: CpuProfile, lastUs = Number.POSITIVE_INFINITY) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  const skipUs = profile.timeDeltas.reduce((sum, us) => sum + us, 0) - lastUs;
  let elapsed = 0;
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    // Each sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    elapsed += profile.timeDeltas[i] ?? 0;
    if (elapsed < skipUs) continue;
    const frame = byId.get(profile.samples[i]!);
    if (!frame) continue;
    total += us;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const name = frameName(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const place = placeOf(frame);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { totalMs: total / 1000, idleMs: idle / 1000, busyMs: (total - idle) / 1000, functions: sorted(byFunction), places: sorted(byPlace) };
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, 'last-seconds': { type: 'string' } } });
  const top = Number(values.top ?? 25);
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const last = values['last-seconds'];
    const s = summarize(profile, last === undefined ? undefined : Number(last) * 1_000_000);
    const pct = (us: number) => `${((us / 1000 / s.busyMs) * 100).toFixed(1).padStart(5)}%`;
    console.log(`\n# ${path.basename(file)}: ${(s.totalMs / 1000).toFixed(1)} s sampled, busy ${(s.busyMs / 1000).toFixed(1)} s (${((s.busyMs / s.totalMs) * 100).toFixed(0)}%), idle ${(s.idleMs / 1000).toFixed(1)} s`);
    console.log(`\n## Self time by place (% of busy)\n`);
    for (const [place, us] of s.places.slice(0, 15)) console.log(`${pct(us)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${place}`);
    console.log(`\n## Top ${top} functions by self time (% of busy)\n`);
    for (const [name, us] of s.functions.slice(0, top)) console.log(`${pct(us)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
}

if (import.meta.main) main();
