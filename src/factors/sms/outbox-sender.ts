import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../log.ts';
import { SmsSendError, type SmsCodeSender } from './sms-provider.ts';

export interface OutboxOptions {
  /** A JSON-lines file; development only (config refuses the outbox when NODE_ENV=production). */
  file: string;
  log: Logger;
}

/**
 * The development stand-in for a text message: one `{"to","body","at"}` JSON line per message,
 * appended to a file only this user can read, since every body carries a live code.
 */
export function createOutboxSender({ file, log }: OutboxOptions): SmsCodeSender {
  return {
    kind: 'outbox',
    async deliver({ to, body }) {
      const line = `${JSON.stringify({ to, body, at: new Date().toISOString() })}\n`;
      try {
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        // The mode applies when the file is created; appends never widen it.
        await appendFile(file, line, { mode: 0o600 });
      } catch (error) {
        const reason = (error as { code?: unknown }).code;
        throw new SmsSendError(`outbox write failed (${typeof reason === 'string' ? reason : 'error'})`);
      }
      // The path only: the body holds the code.
      log.info('sms.outbox.written', { file });
    },
  };
}
