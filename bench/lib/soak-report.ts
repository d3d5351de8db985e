import type { Machine } from './machine.ts';
import { fixed, smsBudgetNote } from './report.ts';
import type { RunSettings } from './run-settings.ts';
import type { SoakResult } from './run-soak.ts';

export function soakErrors(result: SoakResult): number {
  return (result.driver?.errors ?? 0) + (result.driver?.warmupErrors ?? 0);
}

export function soakFailed(result: SoakResult): boolean {
  return result.failure !== undefined || soakErrors(result) > 0 || !result.driver;
}

/** RSS up by more than 10 MiB while heap + external after GC grew by less than 5 MiB. */
function nativeGrowth({ memory: m }: SoakResult): boolean {
  const h = m.heapAfterGc;
  if (!h?.gcRan || m.growthMiB === undefined) return false;
  return m.growthMiB > 10 && h.endMiB + h.externalEndMiB - h.startMiB - h.externalStartMiB < 5;
}

const signed = (value: number | undefined, digits = 1) => (value === undefined ? 'n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`);

/** The soak as Markdown: totals and memory, then each kind of sign-in, then problems. */
export function soakReport(machine: Machine, settings: RunSettings, r: SoakResult): string {
  const d = r.driver;
  const m = r.memory;
  const seconds = (d?.elapsedMs ?? settings.durationMs) / 1000;
  const lines = [
    `## Soak: mixed sign-ins on ${r.store === 'redis' ? 'Redis' : 'SQLite'} for ${settings.durationMs / 1000} s`,
    '',
    `- date: ${machine.date}`,
    `- node: ${machine.node}, nproc: ${machine.nproc}, CPU: ${machine.cpuModel}, memory: ${machine.totalMemGiB} GiB, load average (1 min): ${machine.loadAverage1m} at start, ${machine.loadAverageEnd1m ?? 'n/a'} at end`,
    `- ${settings.concurrency} flow loops from a separate process, each taking ${r.flows.join(' → ')} in turn (loop i starts at the i-th); ${settings.warmupMs / 1000} s warm-up, not counted; the server's RSS sampled every second`,
    `- CPU other processes kept busy during the measured phase (Redis's own work included): ${fixed(r.otherCores, 2)} of ${machine.nproc} cores`,
    `- pools: ${Object.entries(r.pools ?? {}).map(([kind, p]) => `${p.count} ${kind} accounts (${fixed(p.enrolMs / 1000, 1)} s to enrol, before the warm-up)`).join(', ') || 'n/a'}`,
    `- ${smsBudgetNote()}`,
    '',
    '| Flows | Errors | Sign-ins/s | p50 ms | p99 ms | RSS start MiB | RSS end MiB | Growth MiB | Peak RSS MiB |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    `| ${d?.flows ?? 'n/a'} | ${soakErrors(r)} | ${fixed(r.signInsPerSecond, 1)} | ${fixed(d?.latencyMs?.p50, 0)} | ${fixed(d?.latencyMs?.p99, 0)} | ${fixed(m.startMiB, 1)} | ${fixed(m.endMiB, 1)} | ${signed(m.growthMiB)} | ${fixed(m.peakSampledMiB, 1)} |`,
    '',
    '| Flow | Flows | Errors | Sign-ins/s | p50 ms | p99 ms |',
    '|---|--:|--:|--:|--:|--:|',
    ...(d?.byFlow ?? []).map((f) => `| ${f.flow} | ${f.flows} | ${f.errors + f.warmupErrors} | ${fixed(f.flows / seconds, 1)} | ${fixed(f.latencyMs?.p50, 0)} | ${fixed(f.latencyMs?.p99, 0)} |`),
    '',
    `RSS start is after the warm-up, end is when the last flow finished; peak is the highest sample (warm-up included). RSS ${fixed(m.readyMiB, 1)} MiB once the pools were enrolled; trend ${signed(m.trendMiBPerMinute, 1)} MiB/min over the measured phase, ${signed(m.secondHalfTrendMiBPerMinute, 1)} MiB/min over its second half; VmHWM ${fixed(m.vmHwmMiB, 1)} MiB (enrolment included).`,
    m.heapAfterGc
      ? `After a full GC${m.heapAfterGc.gcRan ? '' : ' (no GC: --expose-gc missing)'}: V8 heap ${m.heapAfterGc.startMiB} MiB at start, ${m.heapAfterGc.endMiB} MiB at end (${signed(m.heapAfterGc.endMiB - m.heapAfterGc.startMiB)} MiB); external (Buffers…) ${m.heapAfterGc.externalStartMiB} → ${m.heapAfterGc.externalEndMiB} MiB. The start GC runs as the measured phase begins.`
      : 'V8 heap after a full GC: n/a',
    ...(nativeGrowth(r) ? ['RSS grew while the V8 heap and external memory did not: the growth is native memory outside V8 (malloc arenas, argon2\'s work buffers, SQLite\'s page cache…), not JS objects kept alive.'] : []),
    `RSS every 10 s (MiB, from the start of the measured phase): ${m.samples.filter((s) => s.t >= 0).filter((_, i) => i % 10 === 0).map((s) => s.mib.toFixed(0)).join(', ') || 'n/a'}`,
  ];
  const notes = [
    ...(r.failure ? [`- FAILED: ${r.failure}`] : []),
    ...Object.entries(d?.pools ?? {}).flatMap(([kind, usage]) => [
      ...(usage.waits ? [`- no ${kind} account was usable ${usage.waits}× (${usage.waitMs} ms waiting): throughput is understated`] : []),
      ...(usage.retired ? [`- ${usage.retired} ${kind} accounts retired after a failed flow`] : []),
    ]),
    ...(d?.errorSamples ?? []).slice(0, 10).map((e) => `- ${e.count}× ${e.message}`),
    ...r.serverLogProblems.slice(0, 5).map((line) => `- server log: ${line.slice(0, 300)}`),
  ];
  if (notes.length) lines.push('', '### Problems', '', ...notes);
  return lines.join('\n');
}
