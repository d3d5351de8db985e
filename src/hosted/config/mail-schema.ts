import * as v from 'valibot';
import type { ConfigProblems } from '../../config/config-error.ts';
import { refuseOutboxInProduction } from '../../config/development-only.ts';
import { integer, optionalText } from '../../config/setting-rules.ts';

/** How mail leaves: an SMTP server, the development outbox file, or not at all (production without SMTP_URL). */
export type MailTransport = 'smtp' | 'outbox' | 'none';

export interface MailSettings {
  transport: MailTransport;
  /** smtp:// or smtps:// with its credentials; never logged. */
  smtpUrl: string | null;
  from: string | null;
  /** The development outbox (EMAIL_OUTBOX); load-config.ts defaults it to DATA_DIR/email-outbox.jsonl. */
  outboxFile: string | null;
}

/** "Forgot password?" limits, counted in the store (OWASP ASVS 5.0 V6: limit what one account and one source can ask for). */
export interface PasswordResetSettings {
  perAccountPerHour: number;
  perIpPerHour: number;
}

const SMTP_URL = 'must be an smtp:// or smtps:// URL with a host, e.g. smtps://user:password@mail.example.com:465';
const MAIL_FROM = 'must be an address like no-reply@example.com or "Example <no-reply@example.com>"';

function smtpUrlParses(value: string): boolean {
  try {
    const url = new URL(value);
    // The credentials are percent-decoded when the sender is made: a stray % must fail here, named.
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    return /^smtps?:$/.test(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

export const MAIL_SECTION = v.strictObject({
  smtpUrl: v.nullish(v.pipe(v.string(SMTP_URL), v.check(smtpUrlParses, SMTP_URL)), null),
  from: v.nullish(v.pipe(v.string(MAIL_FROM), v.regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/, MAIL_FROM)), null),
  outboxFile: optionalText(),
}, 'must be an object');

export const PASSWORD_RESET_SECTION = v.strictObject({
  // A person who lost their password asks once or twice; three an hour leaves room for a typo
  // in the mailbox's spam filter, not for mail-bombing someone's inbox.
  perAccountPerHour: integer(1, 100, 3),
  perIpPerHour: integer(1, 100_000, 20),
}, 'must be an object');

const LABEL = {
  smtpUrl: 'config.mail.smtpUrl (SMTP_URL)',
  from: 'config.mail.from (MAIL_FROM)',
  outboxFile: 'config.mail.outboxFile (EMAIL_OUTBOX)',
};

export const MAIL_LABELS: Record<string, string> = { 'mail.smtpUrl': LABEL.smtpUrl, 'mail.from': LABEL.from, 'mail.outboxFile': LABEL.outboxFile };

/**
 * SMTP when SMTP_URL is set (MAIL_FROM with it); otherwise the development outbox, which
 * production refuses. Production without SMTP_URL sends no mail: no security notices, and no
 * "Forgot password?" (server.ts warns at start).
 */
export function mailSettingsFor(section: v.InferOutput<typeof MAIL_SECTION>, env: string, problems: ConfigProblems): MailSettings {
  if (section.smtpUrl !== null) {
    if (section.from === null) problems.add(LABEL.from, 'is required with SMTP_URL: the address mails come from');
    if (section.outboxFile !== null) problems.add(LABEL.outboxFile, 'must not be set with SMTP_URL: mail goes to one place');
    return { transport: 'smtp', smtpUrl: section.smtpUrl, from: section.from, outboxFile: null };
  }
  if (section.outboxFile !== null) refuseOutboxInProduction(env, problems, LABEL.outboxFile, 'must not be set', 'set SMTP_URL and MAIL_FROM');
  return { transport: env === 'production' ? 'none' : 'outbox', smtpUrl: null, from: section.from, outboxFile: section.outboxFile };
}
