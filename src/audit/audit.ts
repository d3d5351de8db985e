import type { Logger } from '../log.ts';

/** Security events, one structured log line each (OWASP ASVS 5.0 V16, Security Logging and Error Handling). */
export type AuditEventName =
  | 'mfa.enrolled'
  | 'mfa.method.default'
  | 'mfa.method.removed'
  | 'mfa.challenge.passed'
  | 'mfa.challenge.failed'
  | 'mfa.locked'
  | 'mfa.backup_code.used'
  | 'mfa.backup_code.regenerated'
  | 'mfa.device.trusted'
  | 'mfa.device.revoked'
  | 'mfa.disabled'
  | 'mfa.reset'
  | 'session.ended_everywhere'
  | 'consent.revoked'
  | 'account.password.changed'
  | 'account.password.reset_requested'
  | 'sms.breaker.open';

/**
 * Who, where and what — never a code, secret, token, password or phone number. Fields are
 * named so a SIEM can index them; `details` holds what is specific to the event.
 */
export interface AuditEvent {
  event: AuditEventName;
  at: string;
  accountId?: string;
  clientId?: string;
  ip?: string;
  userAgent?: string;
  details?: Record<string, string | number | boolean | undefined>;
}

export type AuditInput = Omit<AuditEvent, 'at'>;

/** A host's hook: forward to e-mail, a SIEM, a notification service. Errors in it never break a sign-in. */
export type AuditSink = (event: AuditEvent) => void | Promise<void>;

export type Audit = (input: AuditInput, level?: 'info' | 'warn') => void;

/** The audit with what its sinks are still doing: a CLI command waits for it before it exits. */
export interface FlushableAudit extends Audit {
  /** Resolves once every sink call made so far has finished (or failed, and was logged). */
  flush(): Promise<void>;
}

/**
 * Every event is logged, then handed to each sink (the host's `onAuditEvent`, the security
 * notices) after the request's own work: a sink that throws or rejects is logged and never
 * breaks the action that caused the event.
 */
export function createAudit(log: Logger, sinks?: AuditSink | readonly (AuditSink | undefined)[]): FlushableAudit {
  const all = (Array.isArray(sinks) ? sinks : [sinks]).filter((sink): sink is AuditSink => typeof sink === 'function');
  const pending = new Set<Promise<void>>();
  const audit = ((input, level = 'info') => {
    const event: AuditEvent = { ...input, at: new Date().toISOString(), userAgent: input.userAgent?.slice(0, 200) };
    const { event: name, ...fields } = event;
    log[level](name, { audit: true, ...fields });
    for (const sink of all) {
      const running: Promise<void> = Promise.resolve()
        .then(() => sink(event))
        .catch((error: unknown) => log.warn('audit.sink.failed', { auditEvent: name, errorName: (error as Error)?.name }))
        .finally(() => pending.delete(running));
      pending.add(running);
    }
  }) as FlushableAudit;
  audit.flush = async () => {
    while (pending.size > 0) await Promise.all([...pending]);
  };
  return audit;
}

/** The request side of an event: address and browser. */
export function requestFields(ctx: { ip: string; get(field: string): string }): Pick<AuditEvent, 'ip' | 'userAgent'> {
  return { ip: ctx.ip, userAgent: ctx.get('user-agent') };
}
