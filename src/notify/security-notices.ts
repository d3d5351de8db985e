import type { AuditEvent } from '../audit/audit.ts';
import type { MailMessage } from '../mail/mail-sender.ts';
import { deviceLabel } from '../trusted-device/device-label.ts';
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

const METHOD_NAMES: Record<string, string> = {
  totp: 'An authenticator app',
  sms: 'A phone number for text messages',
  passkey: 'A passkey',
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

function what(kind: SecurityNoticeKind, event: AuditEvent, appName: string): { subject: string; lines: string[] } {
  const method = METHOD_NAMES[String(event.details?.method)] ?? 'A way to confirm it is you';
  switch (kind) {
    case 'method-added':
      return {
        subject: `A sign-in method was added to your ${appName} account`,
        lines: [event.details?.during === 'sign-in'
          ? `${method} was set up as your second step during a sign-in, with your password only (this app asks everyone to set one up).`
          : `${method} was set up as a second step on your Security page.`],
      };
    case 'method-removed':
      return { subject: `A sign-in method was removed from your ${appName} account`, lines: [`${method} was removed from your account's second steps.`] };
    case 'default-method-changed':
      return { subject: `Your ${appName} sign-in method was changed`, lines: ['Another of your methods is now asked for first when you sign in.'] };
    case 'mfa-turned-off':
      return { subject: `2-step verification was turned off on your ${appName} account`, lines: ['2-step verification was turned off on your Security page: your password alone now signs you in.'] };
    case 'mfa-reset-by-support':
      return { subject: `Our support team reset 2-step verification on your ${appName} account`, lines: ['At your request, our support team turned 2-step verification off, removed your trusted devices and signed you out everywhere. Set up a second step again on your Security page.'] };
    case 'backup-code-used':
      return { subject: `Your backup code was used on your ${appName} account`, lines: ['Your backup code was used to sign in, and a new one was shown. The old code no longer works.'] };
    case 'device-trusted':
      return { subject: `A new device is trusted on your ${appName} account`, lines: [`"${String(event.details?.label ?? 'A browser')}" will skip the code at sign-in until the trust expires or you revoke it.`] };
    case 'password-changed':
      return {
        subject: `Your ${appName} password was changed`,
        lines: [event.details?.by === 'reset-link'
          ? 'Your password was changed through a "Forgot password?" link. Every session and trusted device was signed out, and apps must sign in again. Your second step is still asked for.'
          : 'Your password was changed. Every session and trusted device was signed out, and apps must sign in again.'],
      };
  }
}

/** When and from where, as far as the event knows it; never an address beyond what the person's own network shows. */
function where(event: AuditEvent): string {
  const when = `${event.at.slice(0, 16).replace('T', ' ')} UTC`;
  if (event.details?.by === 'cli') return `When: ${when}.`;
  const from = [event.userAgent ? deviceLabel(event.userAgent) : undefined, event.ip ? `network address ${event.ip}` : undefined].filter(Boolean).join(', ');
  return from ? `When: ${when}, from ${from}.` : `When: ${when}.`;
}

/** "Wasn't you?": what to do at once, and who to ask. */
function wasntYou(context: NoticeContext): MailParagraph[] {
  const support = context.support.url ?? (context.support.email ? `mailto:${context.support.email}` : null);
  return [
    "Wasn't you? Someone may know your password. Change it now (use \"Forgot password?\" on the sign-in page if you cannot sign in), then check your methods and trusted devices on your Security page:",
    { text: 'Security page', href: context.securityPageUrl },
    ...(support ? [{ text: `Contact our support team${context.support.email ? ` (${context.support.email})` : ''}:`, href: support }] : []),
    'If it was you, there is nothing to do.',
  ];
}

export function securityNoticeMail(kind: SecurityNoticeKind, event: AuditEvent, to: string, context: NoticeContext): SecurityNoticeMail {
  const { subject, lines } = what(kind, event, context.appName);
  return { ...plainMail(to, subject, [...lines, where(event), ...wasntYou(context)]), kind, accountId: event.accountId! };
}
