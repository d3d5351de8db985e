import type { Logger } from '../../log.ts';
import { appendOutboxLine, outboxFailureReason } from '../../outbox/outbox-file.ts';
import { SmsSendError, type SmsCodeSender } from './sms-provider.ts';

export interface OutboxOptions {
  /** A JSON-lines file; development only (config refuses the outbox when NODE_ENV=production). */
  file: string;
  log: Logger;
}

/** The development stand-in for a text message: one `{"to","body","at"}` JSON line per message (outbox-file.ts). */
export function createOutboxSender({ file, log }: OutboxOptions): SmsCodeSender {
  return {
    kind: 'outbox',
    async deliver({ to, body }) {
      try {
        await appendOutboxLine(file, { to, body });
      } catch (error) {
        throw new SmsSendError(`outbox write failed (${outboxFailureReason(error)})`);
      }
      // The path only: the body holds the code.
      log.info('sms.outbox.written', { file });
    },
  };
}
