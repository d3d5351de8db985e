import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

/** A prefix of its own for one bench run, so it never touches anyone else's keys. */
export function randomRedisPrefix(): string {
  return `oidc-mfa-bench:${randomBytes(8).toString('hex')}:`;
}

/** Glob metacharacters in a prefix must not widen the MATCH pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, (char) => `\\${char}`);
}

/**
 * Deletes every key under `prefix` with SCAN + DEL (never KEYS or FLUSH*), within `limitMs`.
 * Returns how many keys were deleted.
 */
export async function deleteRedisPrefix(url: string, prefix: string, limitMs = 15_000): Promise<number> {
  if (!prefix.startsWith('oidc-mfa-bench:')) throw new Error(`refusing to delete keys outside the bench prefix: ${prefix}`);
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 3_000 } });
  client.on('error', () => {});
  const timer = setTimeout(() => client.destroy(), limitMs);
  let deleted = 0;
  try {
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 500 })) {
      if (keys.length > 0) deleted += await client.del(keys);
    }
    return deleted;
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}
