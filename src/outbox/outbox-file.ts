import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * The development stand-in for a real delivery (a text message, a mail): one JSON object per
 * line, appended to a file only this user can read, since what it holds (a code, a reset link)
 * is live. The config loader refuses every outbox when NODE_ENV=production.
 */
export async function appendOutboxLine(file: string, record: Record<string, unknown>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // The mode applies when the file is created; appends never widen it.
  await appendFile(file, `${JSON.stringify({ ...record, at: new Date().toISOString() })}\n`, { mode: 0o600 });
}

/** The errno code of a failed write (EACCES, ENOSPC, …): what is safe to tell about it. */
export function outboxFailureReason(error: unknown): string {
  const reason = (error as { code?: unknown } | undefined)?.code;
  return typeof reason === 'string' ? reason : 'error';
}
