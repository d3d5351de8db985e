import type { AuditEvent } from '../audit/audit.ts';
import type { MailMessage } from '../mail/mail-sender.ts';
import { deviceLabel, deviceLabelInWords } from '../trusted-device/device-label.ts';
import { t, type MessageKey } from '../i18n/translate.ts';
import { plainMail, type MailParagraph } from './plain-mail.ts';

/**
 * The changes the account's owner is told of by mail (DESIGN "Security rules": sensitive changes
 * are told to the owner; NIST SP 800-63B §6.1.2.2: notify the subscriber when an authenticator is
 * bound or removed). Each comes from one audit event: the audit is the one place they are hooked.
 */
export type SecurityNoticeKind =
  | 'method-added'
  | 'method-removed'
  | 'default-method-changed'
  | 'mfa-turned-off'
  | 'mfa-reset-by-support'
  | 'backup-code-used'
  | 'device-trusted'
  | 'password-changed';

const KIND_OF: Partial<Record<AuditEvent['event'], SecurityNoticeKind>> = {
  'mfa.enrolled': 'method-added',
  'mfa.method.removed': 'method-removed',
  'mfa.method.default': 'default-method-changed',
  'mfa.disabled': 'mfa-turned-off',
  'mfa.reset': 'mfa-reset-by-support',
  'mfa.backup_code.used': 'backup-code-used',
  'mfa.device.trusted': 'device-trusted',
  'account.password.changed': 'password-changed',
};

/** The notice an audit event calls for, if any (and only for an event about an account). */
export function noticeKindOf(event: AuditEvent): SecurityNoticeKind | undefined {
  return event.accountId ? KIND_OF[event.event] : undefined;
}

const METHOD_NAMES: Record<string, MessageKey> = {
  totp: 'notice.method.totp',
  sms: 'notice.method.sms',
  passkey: 'notice.method.passkey',
};

/** A security notice, ready to send: the mail, and what it is about (for a host that sends its own). */
export interface SecurityNoticeMail extends MailMessage {
  kind: SecurityNoticeKind;
  accountId: string;
}

export interface NoticeContext {
  /** How the service is named (the authenticator-app label). */
  appName: string;
  /** The Security page, where the owner checks and undoes what changed. */
  securityPageUrl: string;
  support: { url: string | null; email: string | null };
}

/**
 * The subject and what happened, in the language of the request that made the change (its page's,
 * i18n/request-language.ts); a change made outside a request (the CLI's reset) is told in English.
 */
function what(kind: SecurityNoticeKind, event: AuditEvent, app: string): { subject: string; lines: string[] } {
  const methodKey = METHOD_NAMES[String(event.details?.method)];
  const method = t(methodKey ?? 'notice.method.other');
  switch (kind) {
    case 'method-added':
      return {
        subject: t('notice.methodAdded.subject', { app }),
        lines: [t(event.details?.during === 'sign-in' ? 'notice.methodAdded.duringSignIn' : 'notice.methodAdded.onPage', { method })],
      };
    case 'method-removed':
      return { subject: t('notice.methodRemoved.subject', { app }), lines: [t('notice.methodRemoved.line', { method })] };
    case 'default-method-changed':
      return { subject: t('notice.defaultChanged.subject', { app }), lines: [t('notice.defaultChanged.line')] };
    case 'mfa-turned-off':
      return { subject: t('notice.mfaOff.subject', { app }), lines: [t('notice.mfaOff.line')] };
    case 'mfa-reset-by-support':
      return { subject: t('notice.mfaReset.subject', { app }), lines: [t('notice.mfaReset.line')] };
    case 'backup-code-used':
      return { subject: t('notice.backupUsed.subject', { app }), lines: [t('notice.backupUsed.line')] };
    case 'device-trusted': {
      const label = event.details?.label;
      const device = label === undefined ? t('notice.deviceTrusted.aBrowser') : deviceLabelInWords(String(label));
      return { subject: t('notice.deviceTrusted.subject', { app }), lines: [t('notice.deviceTrusted.line', { device })] };
    }
    case 'password-changed':
      return {
        subject: t('notice.passwordChanged.subject', { app }),
        lines: [t(event.details?.by === 'reset-link' ? 'notice.passwordChanged.byLink' : 'notice.passwordChanged.line')],
      };
  }
}

/** When and from where, as far as the event knows it; never an address beyond what the person's own network shows. */
function where(event: AuditEvent): string {
  const when = `${event.at.slice(0, 16).replace('T', ' ')} UTC`;
  if (event.details?.by === 'cli') return t('notice.when', { when });
  const from = [event.userAgent ? deviceLabelInWords(deviceLabel(event.userAgent)) : undefined, event.ip ? t('notice.networkAddress', { ip: event.ip }) : undefined].filter(Boolean).join(', ');
  return from ? t('notice.whenFrom', { when, from }) : t('notice.when', { when });
}

/** "Wasn't you?": what to do at once, and who to ask. */
function wasntYou(context: NoticeContext): MailParagraph[] {
  const support = context.support.url ?? (context.support.email ? `mailto:${context.support.email}` : null);
  return [
    t('notice.wasntYou'),
    { text: t('notice.securityPage'), href: context.securityPageUrl },
    ...(support ? [{ text: context.support.email ? t('notice.contactSupportEmail', { email: context.support.email }) : t('notice.contactSupport'), href: support }] : []),
    t('notice.ifYou'),
  ];
}

export function securityNoticeMail(kind: SecurityNoticeKind, event: AuditEvent, to: string, context: NoticeContext): SecurityNoticeMail {
  const { subject, lines } = what(kind, event, context.appName);
  return { ...plainMail(to, subject, [...lines, where(event), ...wasntYou(context)]), kind, accountId: event.accountId! };
}
