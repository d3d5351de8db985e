import type { MailMessage } from '../../mail/mail-sender.ts';
import { plainMail } from '../../notify/plain-mail.ts';
import { RESET_LINK_MINUTES } from './reset-links.ts';

/** The "Forgot password?" mail: the link, its limits, that the second step stays, and what to do if it was not asked for. */
export function resetLinkMail(to: string, link: string, context: { appName: string; support: { url: string | null; email: string | null } }): MailMessage {
  const support = context.support.url ?? (context.support.email ? `mailto:${context.support.email}` : null);
  return plainMail(to, `Reset your ${context.appName} password`, [
    `Someone, hopefully you, asked to reset the password of your ${context.appName} account. This link works once, for ${RESET_LINK_MINUTES} minutes:`,
    { text: 'Choose a new password', href: link },
    'After that, sign in with the new password: your second step is still asked for.',
    "Didn't ask for it? Ignore this mail: your password stays as it is, and the link expires.",
    ...(support ? [{ text: 'If it keeps happening, contact our support team:', href: support }] : []),
  ]);
}
