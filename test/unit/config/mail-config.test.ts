import path from 'node:path';
import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/hosted/config/load-config.ts';

const PRODUCTION = { NODE_ENV: 'production', ISSUER: 'https://id.example.com', KEYS_FILE: 'keys.json' };

describe('mail settings', () => {
  test('development: the outbox, in DATA_DIR/email-outbox.jsonl unless EMAIL_OUTBOX says where', () => {
    const config = loadConfig({ DATA_DIR: '/var/lib/oidc-mfa' });
    expect(config.mail).toEqual({ transport: 'outbox', smtpUrl: null, from: null, outboxFile: path.join('/var/lib/oidc-mfa', 'email-outbox.jsonl') });
    expect(loadConfig({ EMAIL_OUTBOX: '/tmp/mails.jsonl' }).mail.outboxFile).toBe('/tmp/mails.jsonl');
  });

  test('SMTP_URL with MAIL_FROM: SMTP, in every environment', () => {
    const env = { SMTP_URL: 'smtps://user:p%40ss@mail.example.com:465', MAIL_FROM: 'Example <no-reply@example.com>' };
    expect(loadConfig(env).mail).toEqual({ transport: 'smtp', smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, outboxFile: null });
    expect(loadConfig({ ...PRODUCTION, ...env }).mail.transport).toBe('smtp');
  });

  test('production without SMTP_URL sends no mail', () => {
    expect(loadConfig(PRODUCTION).mail).toMatchObject({ transport: 'none', outboxFile: null });
  });

  test.each([
    [{ ...PRODUCTION, EMAIL_OUTBOX: '/tmp/mails.jsonl' }, 'config.mail.outboxFile (EMAIL_OUTBOX) must not be set when NODE_ENV=production: set SMTP_URL and MAIL_FROM'],
    [{ SMTP_URL: 'smtp://mail.example.com' }, 'config.mail.from (MAIL_FROM) is required with SMTP_URL'],
    [{ SMTP_URL: 'http://mail.example.com', MAIL_FROM: 'a@example.com' }, 'config.mail.smtpUrl (SMTP_URL) must be an smtp:// or smtps:// URL'],
    // A stray % in the password (not percent-encoded) is named at start-up, not a URIError when the sender is made.
    [{ SMTP_URL: 'smtps://user:100%sure@mail.example.com', MAIL_FROM: 'a@example.com' }, 'config.mail.smtpUrl (SMTP_URL) must be an smtp:// or smtps:// URL'],
    [{ SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: 'not an address' }, 'config.mail.from (MAIL_FROM) must be an address'],
    [{ SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: 'a@example.com', EMAIL_OUTBOX: '/tmp/m.jsonl' }, 'config.mail.outboxFile (EMAIL_OUTBOX) must not be set with SMTP_URL'],
  ])('%j is refused: %s', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('a refused SMTP_URL never echoes its credentials', () => {
    expect(() => loadConfig({ SMTP_URL: 'ftp://user:hunter2secret@mail.example.com', MAIL_FROM: 'a@example.com' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2secret') }));
  });
});
