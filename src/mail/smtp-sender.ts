import nodemailer from 'nodemailer';
import { MailSendError, type MailSender } from './mail-sender.ts';

export interface SmtpOptions {
  /**
   * smtps:// (TLS from the start, RFC 8314) or smtp:// (STARTTLS, required unless the server is on
   * this machine: a reset link must not cross a network in clear because someone stripped the
   * server's STARTTLS offer), with credentials in it when the server asks for them.
   */
  url: string;
  /** The From header: `name@example.com` or `Example <name@example.com>`. */
  from: string;
  /** Each stage (connect, greeting, a reply) waits this long at most, so a stalled server cannot hold a page for minutes. */
  timeoutMs?: number;
}

/** Mail through an SMTP server with nodemailer; one pooled transport for the process. */
export function createSmtpSender({ url, from, timeoutMs = 10_000 }: SmtpOptions): MailSender {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  const transport = nodemailer.createTransport({
    host,
    // RFC 8314 §3.3: implicit TLS on 465; submission with STARTTLS on 587.
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && !loopback,
    auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    kind: 'smtp',
    async send(message) {
      try {
        await transport.sendMail({ from, ...message });
      } catch (error) {
        // nodemailer's errors carry the stage (`code`: ECONNECTION, EAUTH, EENVELOPE…) and the
        // server's reply code; its message may quote the reply, which names no secret of ours,
        // but the mail itself (a reset link) must never reach a log: only these two leave.
        const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
        throw new MailSendError(`SMTP delivery failed (${typeof code === 'string' ? code : 'error'})`, typeof responseCode === 'number' ? responseCode : undefined);
      }
    },
  };
}
