import type { Logger } from '../../log.ts';
import type { MailSender } from '../../mail/mail-sender.ts';
import { createMailOutbox } from '../../mail/outbox-mail-sender.ts';
import { createSmtpSender } from '../../mail/smtp-sender.ts';
import type { MailSettings } from '../config/mail-schema.ts';

/** The sender the mail settings name; undefined when mail is off (production without SMTP_URL). */
export function createMailSender(settings: MailSettings, log: Logger): MailSender | undefined {
  switch (settings.transport) {
    case 'smtp':
      return createSmtpSender({ url: settings.smtpUrl!, from: settings.from! });
    case 'outbox':
      return createMailOutbox({ file: settings.outboxFile!, log });
    case 'none':
      return undefined;
  }
}
