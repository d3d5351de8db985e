import type { Logger } from '../log.ts';
import { appendOutboxLine, outboxFailureReason } from '../outbox/outbox-file.ts';
import { MailSendError, type MailSender } from './mail-sender.ts';

/** Development only: one `{to, subject, text, html, at}` JSON line per mail (outbox-file.ts), refused in production by the config. */
export function createMailOutbox({ file, log }: { file: string; log: Logger }): MailSender {
  return {
    kind: 'outbox',
    async send({ to, subject, text, html }) {
      try {
        await appendOutboxLine(file, { to, subject, text, html });
      } catch (error) {
        throw new MailSendError(`outbox write failed (${outboxFailureReason(error)})`);
      }
      // The path only: a mail may hold a reset link.
      log.info('mail.outbox.written', { file });
    },
  };
}
