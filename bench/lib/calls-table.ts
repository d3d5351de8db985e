/**
 * The table of what one complete sign-in costs the store (lib/count-calls.ts): calls into the
 * Store, by part, and on Redis the commands sent and run.
 */
import { COUNT_WARMUP_SIGN_INS } from './count-calls.ts';
import type { StepCounts } from './protocol.ts';
import type { RunSettings } from './run-settings.ts';
import type { ScenarioResult } from './summary.ts';

/** The Store's parts, in the table's order, with their column titles. */
const PARTS: [string, string][] = [
  ['accounts', 'accounts'],
  ['mfa', 'mfa'],
  ['accountStates', 'account + mfa'],
  ['transient', 'transient'],
  ['counters', 'counters'],
  ['trustedDevices', 'trusted devices'],
  ['grants', 'grants'],
  ['adapter', 'oidc adapter'],
];

/** "accounts.findByEmail" → "accounts", "adapter.Session.find" → "adapter", anything else → "other". */
function partOf(method: string): string {
  const part = method.split('.')[0]!;
  return PARTS.some(([name]) => name === part) ? part : 'other';
}

function byPart(calls: Record<string, number>): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const [method, perSignIn] of Object.entries(calls)) parts[partOf(method)] = (parts[partOf(method)] ?? 0) + perSignIn;
  return parts;
}

const count = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? 'n/a' : String(Math.round(value * 10) / 10));

export function callsTable(results: ScenarioResult[]): string[] {
  const other = results.some((r) => byPart(r.calls?.storeCallsByMethod ?? {}).other);
  const columns = [...PARTS, ...(other ? [['other', 'other'] as [string, string]] : [])];
  const rows = results.map((r) => {
    const c = r.calls!;
    const parts = byPart(c.storeCallsByMethod);
    const redis = r.store === 'redis' ? [count(c.redisSent), count(c.redisRoundTrips), count(c.redisInScripts), count(c.redisExecuted)] : ['—', '—', '—', '—'];
    return `| ${r.scenario} | ${c.failure ? 'n/a' : c.signIns} | ${count(c.storeCalls)} | ${columns.map(([part]) => count(parts[part] ?? 0)).join(' | ')} | ${redis.join(' | ')} |`;
  });
  return [
    `| Scenario | Sign-ins counted | Store calls | ${columns.map(([, title]) => title).join(' | ')} | Redis sent | Redis round trips | Redis in scripts | Redis executed |`,
    `|---|--:|--:|${columns.map(() => '--:').join('|')}|--:|--:|--:|--:|`,
    ...rows,
  ];
}

export function callsNote(settings: RunSettings): string {
  return `Per complete sign-in, averaged over ${settings.countSignIns} sign-ins made one at a time with no other load, ${settings.countOnly ? 'with --count-only (no rounds)' : 'before the rounds'} and after ${COUNT_WARMUP_SIGN_INS} sign-ins of warm-up (counts do not depend on load; a Grant upsert on Redis keeps its index sets in constant time, so they do not grow with the account's live grants). Store calls: calls into the Store's methods (accounts, mfa, an account with its MFA record in one read, transient, counters, trusted devices, grants, revokeGrantsOf, and each oidc-provider adapter method), counted by a wrapper the bench server puts around the store. Redis sent: commands our client wrote (an EVALSHA is one; MULTI and EXEC count), counted on the client through node-redis's diagnostics channels. Redis round trips: the socket writes those commands went out in (node-redis writes the commands started in one turn of the event loop together: a Promise.all, a pipeline, a MULTI), what a sign-in waits on at most. Redis in scripts: commands Redis ran inside our Lua scripts, counted with MONITOR on its own connection, filtered by this server's key prefix (the Redis is shared, so server-wide INFO commandstats would count others' commands). Executed = sent + in scripts, what commandstats would count. Per method: bench/results/<date>.json.`;
}

const listed = (counts: Record<string, number> | undefined) => Object.entries(counts ?? {}).map(([name, n]) => (n === 1 ? name : `${name} ×${count(n)}`)).join(', ');

/** One row per request step of a sign-in: its store calls (by method) and Redis commands (by name). */
export function callsByStepTable(byStep: Record<string, StepCounts>): string[] {
  const rows = Object.entries(byStep).map(([step, c]) => {
    const calls = Object.values(c.storeCalls).reduce((sum, n) => sum + n, 0);
    const redis = c.redisCommandsSent === undefined ? '—' : `${count(c.redisCommandsSent)}${c.redisCommands ? ` (${listed(c.redisCommands)})` : ''}`;
    return `| ${step} | ${count(calls)} | ${listed(c.storeCalls)} | ${redis} | ${c.redisWrites === undefined ? '—' : count(c.redisWrites)} |`;
  });
  return ['| Request | Store calls | which | Redis sent | Redis round trips |', '|---|--:|---|---|--:|', ...rows];
}
