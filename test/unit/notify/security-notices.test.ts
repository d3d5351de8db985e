import { randomBytes } from 'node:crypto';
import { createAudit, type AuditEvent } from '../../../src/audit/audit.ts';
import { parsePluginOptions } from '../../../src/config/plugin-options.ts';
import { createAccountDirectory } from '../../../src/hosted/account-directory.ts';
import { generatePurposeSecrets } from '../../../src/hosted/config/purpose-secrets-file.ts';
import { parseArgs } from '../../../src/hosted/cli/args.ts';
import { runCommand } from '../../../src/hosted/cli/commands.ts';
import { systemClock } from '../../../src/clock.ts';
import { MfaOptionsError, type SecurityNoticeMail } from '../../../src/index.ts';
import { noticeKindOf, securityNoticeMail } from '../../../src/notify/security-notices.ts';
import { createSecurityNotifier } from '../../../src/notify/security-notifier.ts';
import { composeMfa } from '../../../src/plugin/create-mfa.ts';
import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.ts';
import { recordingLogger } from '../../helpers/abuse.ts';

const event = (over: Partial<AuditEvent>): AuditEvent => ({ event: 'mfa.enrolled', at: '2030-01-01T12:34:56.000Z', accountId: 'sub-1', ...over });
const CONTEXT = { appName: 'Example ID', securityPageUrl: 'https://id.example.com/idp/account/security', support: { url: null, email: 'help@example.com' } };

describe('which audit events are told to the owner', () => {
  test.each([
    ['mfa.enrolled', 'method-added'],
    ['mfa.method.removed', 'method-removed'],
    ['mfa.method.default', 'default-method-changed'],
    ['mfa.disabled', 'mfa-turned-off'],
    ['mfa.reset', 'mfa-reset-by-support'],
    ['mfa.backup_code.used', 'backup-code-used'],
    ['mfa.device.trusted', 'device-trusted'],
    ['account.password.changed', 'password-changed'],
    ['mfa.challenge.failed', undefined],
    ['mfa.challenge.passed', undefined],
    ['consent.revoked', undefined],
  ] as const)('%s → %s', (name, kind) => {
    expect(noticeKindOf(event({ event: name }))).toBe(kind);
  });

  test('an event about no account is told to no one', () => {
    expect(noticeKindOf(event({ event: 'mfa.reset', accountId: undefined }))).toBeUndefined();
  });
});

describe('the notice mail', () => {
  test('says whether a method was set up during a sign-in, on the password alone', () => {
    const during = securityNoticeMail('method-added', event({ details: { method: 'sms', during: 'sign-in' } }), 'a@example.com', CONTEXT);
    expect(during.text).toContain('A phone number for text messages was set up as your second step during a sign-in, with your password only');
    const page = securityNoticeMail('method-added', event({ details: { method: 'totp' } }), 'a@example.com', CONTEXT);
    expect(page.text).toContain('on your Security page');
  });

  test('what the browser sent is text, never markup, in the HTML part', () => {
    const mail = securityNoticeMail('device-trusted', event({ event: 'mfa.device.trusted', details: { label: '<img src=x onerror=alert(1)>' } }), 'a@example.com', CONTEXT);
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  test("\"Wasn't you?\" leads to the Security page under the issuer's path, and to support by mail when there is no support page", () => {
    const mail = securityNoticeMail('password-changed', event({ event: 'account.password.changed', details: { by: 'reset-link' } }), 'a@example.com', CONTEXT);
    expect(mail.subject).toBe('Your Example ID password was changed');
    expect(mail.text).toContain("Wasn't you?");
    expect(mail.html).toContain('href="https://id.example.com/idp/account/security"');
    expect(mail.html).toContain('href="mailto:help@example.com"');
    expect(mail.text).toContain('Your second step is still asked for.');
  });
});

describe('the notifier as an audit sink', () => {
  test('a hook that throws is logged with the kind, and the audit goes on', async () => {
    const log = recordingLogger();
    const notifier = createSecurityNotifier({
      directory: { findById: async (id) => ({ id, email: 'a@example.com' }) },
      deliver: () => { throw new Error('the host mailer is down'); },
      context: CONTEXT,
      log,
    });
    const audit = createAudit(log, [notifier]);
    expect(() => audit({ event: 'mfa.disabled', accountId: 'sub-1' })).not.toThrow();
    await audit.flush();
    expect(log.lines.find((l) => l.event === 'mail.notice.failed')?.fields).toMatchObject({ kind: 'mfa-turned-off', accountId: 'sub-1' });
  });

  test('onSecurityNotice must be a function (MfaOptionsError names it)', () => {
    const options = {
      issuer: 'https://id.example.com', sealingKeys: [{ id: 'k', key: randomBytes(32) }], secrets: generatePurposeSecrets(), onSecurityNotice: 'mailto:me',
    };
    expect(() => parsePluginOptions(options)).toThrow(MfaOptionsError);
    expect(() => parsePluginOptions(options)).toThrow('onSecurityNotice must be a function');
  });
});

describe('support changes from the CLI reach the owner through a plugin hook', () => {
  test('mfa reset and user set-password each send one notice, and the command waits for it', async () => {
    const store = openSqliteStore({ file: ':memory:', sweepIntervalMs: 0 });
    try {
      const notices: SecurityNoticeMail[] = [];
      const directory = createAccountDirectory(store.accounts, systemClock);
      const account = await directory.add({ email: 'lost@example.com', password: 'a long enough password' });
      const mfa = composeMfa({
        issuer: 'https://id.example.com', directory, store, sealingKeys: [{ id: 'k', key: randomBytes(32) }], secrets: generatePurposeSecrets(),
        onSecurityNotice: async (notice) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          notices.push(notice);
        },
      });
      let stdin = '';
      const ctx = {
        io: { out: () => {}, err: () => {}, readStdin: async () => stdin },
        directory: async () => directory,
        clients: () => [],
        mfa: async () => mfa,
      };
      const run = (...argv: string[]) => runCommand(parseArgs(argv, new Set(['password-stdin'])), ctx);
      expect(await run('mfa', 'reset', '--email', 'lost@example.com', '--reason', 'ticket 1')).toBe(0);
      stdin = 'another long enough password\n';
      expect(await run('user', 'set-password', '--email', 'lost@example.com', '--password-stdin')).toBe(0);
      await mfa.audit.flush();
      expect(notices.map((n) => [n.kind, n.to, n.accountId])).toEqual([
        ['mfa-reset-by-support', 'lost@example.com', account.id],
        ['password-changed', 'lost@example.com', account.id],
      ]);
      // A support change has no browser of the owner's to show.
      expect(notices[0]!.text).not.toContain('network address');
    } finally {
      await store.close();
    }
  });
});
