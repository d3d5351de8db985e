import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

/** Where tests expect Redis; CI starts one there. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix of its own for one test run, so runs (and developers' data) never collide. */
export function randomRedisPrefix(): string {
  return `oidc-mfa-test:${randomBytes(8).toString('hex')}:`;
}

/** Glob metacharacters in a prefix must not widen the MATCH pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, (char) => `\\${char}`);
}

/** Deletes every key under `prefix` with SCAN (never KEYS or FLUSH*), then disconnects. */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  if (prefix === '') throw new Error('refusing to delete every key: the prefix is empty');
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}
