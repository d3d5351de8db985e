import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MailSendError } from '../../../src/mail/mail-sender.ts';
import { createMailOutbox } from '../../../src/mail/outbox-mail-sender.ts';
import { createSmtpSender } from '../../../src/mail/smtp-sender.ts';
import { silentLogger } from '../../../src/log.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../../helpers/smtp-catcher.ts';

const MESSAGE = {
  to: 'ada@example.com',
  subject: 'Your password was changed',
  text: 'Hello Ada,\nyour password was changed. Café — ünïcode survives.',
  html: '<p>Hello Ada,</p><p>your password was changed. Café — ünïcode survives.</p>',
};

describe('SMTP sender over real SMTP (smtp-server on port 0)', () => {
  let smtp: SmtpCatcher;
  beforeAll(async () => {
    smtp = await startSmtpCatcher();
  });
  afterAll(() => smtp.close());

  test('authenticates, and delivers the text and HTML parts from MAIL_FROM', async () => {
    const sender = createSmtpSender({ url: smtp.url, from: 'Example <no-reply@example.com>' });
    await sender.send(MESSAGE);
    const [mail] = smtp.to('ada@example.com');
    expect(mail).toMatchObject({ from: 'no-reply@example.com', to: ['ada@example.com'], subject: MESSAGE.subject });
    expect(mail!.text.trim()).toBe(MESSAGE.text);
    expect(mail!.html.trim()).toBe(MESSAGE.html);
    expect(mail!.raw).toMatch(/^From: Example <no-reply@example\.com>/m);
  });

  test('wrong credentials: a MailSendError naming the stage, not the password', async () => {
    const url = smtp.url.replace('smtp-test-password', 'wrong-password');
    const sender = createSmtpSender({ url, from: 'no-reply@example.com' });
    const error = await sender.send(MESSAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailSendError);
    expect((error as Error).message).toBe('SMTP delivery failed (EAUTH)');
    expect((error as Error).message).not.toContain('wrong-password');
  });

  test('a refused message: a MailSendError with the reply code, and nothing of the mail', async () => {
    smtp.refuseAll(true);
    try {
      const error = await createSmtpSender({ url: smtp.url, from: 'no-reply@example.com' }).send({ ...MESSAGE, text: 'https://id.example.com/reset?token=secret' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailSendError);
      expect((error as MailSendError).responseCode).toBe(554);
      expect((error as Error).message).not.toContain('secret');
    } finally {
      smtp.refuseAll(false);
    }
  });

  test('no server listening: a MailSendError within the timeout', async () => {
    const sender = createSmtpSender({ url: 'smtp://127.0.0.1:1', from: 'no-reply@example.com', timeoutMs: 2000 });
    await expect(sender.send(MESSAGE)).rejects.toThrow('SMTP delivery failed (ESOCKET)');
  });
});

describe('development mail outbox', () => {
  test('appends one {to, subject, text, html, at} line per mail, in a file only its owner reads', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'oidc-mfa-mail-')), 'nested', 'email-outbox.jsonl');
    const outbox = createMailOutbox({ file, log: silentLogger });
    await outbox.send(MESSAGE);
    await outbox.send({ ...MESSAGE, to: 'bob@example.com' });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ ...MESSAGE, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(lines[1]!.to).toBe('bob@example.com');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test('a file that cannot be written: a MailSendError with the reason only', async () => {
    // A file where the folder should be: ENOTDIR, whoever runs the test (root writes anywhere else).
    const notAFolder = path.join(mkdtempSync(path.join(os.tmpdir(), 'oidc-mfa-mail-')), 'plain-file');
    writeFileSync(notAFolder, '');
    const outbox = createMailOutbox({ file: path.join(notAFolder, 'email-outbox.jsonl'), log: silentLogger });
    await expect(outbox.send(MESSAGE)).rejects.toThrow(/^outbox write failed \(E[A-Z]+\)$/);
  });
});
