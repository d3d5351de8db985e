/** One mail, as every sender takes it: a plain-text part and an HTML part saying the same. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The mail delivery port: SMTP (smtp-sender.ts), the development outbox (outbox-mail-sender.ts), or a host's own. */
export interface MailSender {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
}

/**
 * A mail that did not leave: the server refused it, the connection failed, the outbox could not
 * be written. The message names the stage and the server's reply code, never the mail's content
 * (a reset link) nor the SMTP credentials.
 */
export class MailSendError extends Error {
  /** The SMTP reply code (e.g. 550) when the server answered. */
  readonly responseCode: number | undefined;

  constructor(message: string, responseCode?: number) {
    super(message);
    this.name = 'MailSendError';
    this.responseCode = responseCode;
  }
}
