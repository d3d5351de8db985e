import type { MailMessage } from '../../mail/mail-sender.ts';
import { plainMail } from '../../notify/plain-mail.ts';
import { RESET_LINK_MINUTES } from './reset-links.ts';
import { t } from '../../i18n/translate.ts';

/** The "Forgot password?" mail: the link, its limits, that the second step stays, and what to do if it was not asked for. */
export function resetLinkMail(to: string, link: string, context: { appName: string; support: { url: string | null; email: string | null } }): MailMessage {
  const support = context.support.url ?? (context.support.email ? `mailto:${context.support.email}` : null);
  // In the language of the "Forgot password?" page the request came from (i18n/request-language.ts).
  return plainMail(to, t('resetMail.subject', { app: context.appName }), [
    t('resetMail.intro', { app: context.appName, minutes: RESET_LINK_MINUTES }),
    { text: t('reset.title'), href: link },
    t('resetMail.after'),
    t('resetMail.notAsked'),
    ...(support ? [{ text: t('resetMail.support'), href: support }] : []),
  ]);
}
