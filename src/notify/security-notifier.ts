import type { AuditSink } from '../audit/audit.ts';
import { describeError, type Logger } from '../log.ts';
import type { UserDirectory } from '../plugin/user-directory.ts';
import { noticeKindOf, securityNoticeMail, type NoticeContext, type SecurityNoticeMail } from './security-notices.ts';

/** Sends one notice: the hosted provider's mail sender, or a plugin host's own (`onSecurityNotice`). */
export type DeliverNotice = (notice: SecurityNoticeMail) => void | Promise<void>;

/**
 * An audit sink that mails the account's owner about the events that call for it
 * (security-notices.ts). It runs after the action (createAudit), and a failure is logged here,
 * with the kind and never the mail: the change it tells of stands either way.
 */
export function createSecurityNotifier(deps: { directory: Pick<UserDirectory, 'findById'>; deliver: DeliverNotice; context: NoticeContext; log: Logger }): AuditSink {
  return async (event) => {
    const kind = noticeKindOf(event);
    if (!kind) return;
    try {
      const account = await deps.directory.findById(event.accountId!);
      if (!account?.email) return;
      await deps.deliver(securityNoticeMail(kind, event, account.email, deps.context));
      deps.log.info('mail.notice.sent', { kind, accountId: event.accountId });
    } catch (error) {
      deps.log.warn('mail.notice.failed', { kind, accountId: event.accountId, ...describeError(error) });
    }
  };
}
