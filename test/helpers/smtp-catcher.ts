import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail as the SMTP server received it, decoded enough to read: envelope, subject, both parts. */
export interface CaughtMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpCatcher {
  /** smtp://user:pass@127.0.0.1:<port> (the credentials the server checks). */
  url: string;
  mails: CaughtMail[];
  /** The mails to one address, oldest first. */
  to(address: string): CaughtMail[];
  /** Waits (real time, a few seconds at most) until `count` mails reached `address`. */
  waitFor(address: string, count?: number): Promise<CaughtMail[]>;
  /** Waits (real time, a few seconds at most) for the first mail to `address` whose subject starts with `subject`. */
  waitForSubject(address: string, subject: string): Promise<CaughtMail>;
  /** From now on every mail is refused with a 554 (a delivery failure); `false` accepts again. */
  refuseAll(refuse: boolean): void;
  close(): Promise<void>;
}

function decodePart(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** Headers (unfolded, lower-case names) and body of one MIME entity. */
function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const cut = entity.indexOf('\r\n\r\n');
  const head = entity.slice(0, cut).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: entity.slice(cut + 4) };
}

/** Enough MIME for the mails nodemailer writes: a multipart/alternative of text/plain and text/html. */
export function parseMail(raw: string): Pick<CaughtMail, 'subject' | 'text' | 'html'> {
  const { headers, body } = splitEntity(raw);
  const found = { subject: headers.get('subject') ?? '', text: '', html: '' };
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1).map((part) => part.replace(/^\r\n/, '')) : [raw];
  for (const part of parts) {
    const entity = boundary ? splitEntity(part) : { headers, body };
    const decoded = decodePart(entity.body.replace(/\r\n$/, ''), entity.headers.get('content-transfer-encoding') ?? '').replace(/\r\n/g, '\n');
    if ((entity.headers.get('content-type') ?? '').startsWith('text/html')) found.html = decoded;
    else found.text = decoded;
  }
  return found;
}

/**
 * A real SMTP server on 127.0.0.1, port 0, that asks for a user name and password (over plain
 * SMTP: loopback only) and keeps every mail it accepts. Close it in afterAll. `acceptDelayMs`
 * makes it a slow mail server: it answers each mail that long after receiving it (real time).
 */
export async function startSmtpCatcher(options: { acceptDelayMs?: number } = {}): Promise<SmtpCatcher> {
  const mails: CaughtMail[] = [];
  let refusing = false;
  const user = 'mailer';
  const pass = 'smtp-test-password';
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) callback(null, { user });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusing) {
          const refusal = new Error('Message refused') as Error & { responseCode: number };
          refusal.responseCode = 554;
          callback(refusal);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        setTimeout(() => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw,
            ...parseMail(raw),
          });
          callback();
        }, options.acceptDelayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const to = (address: string) => mails.filter((mail) => mail.to.includes(address));
  return {
    url: `smtp://${user}:${pass}@127.0.0.1:${port}`,
    mails,
    to,
    async waitFor(address, count = 1) {
      for (let waited = 0; waited < 5000 && to(address).length < count; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      if (to(address).length < count) throw new Error(`expected ${count} mail(s) to ${address}, got ${to(address).length}`);
      return to(address);
    },
    async waitForSubject(address, subject) {
      const find = () => to(address).find((mail) => mail.subject.startsWith(subject));
      for (let waited = 0; waited < 5000 && !find(); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      const found = find();
      if (!found) throw new Error(`no mail "${subject}…" to ${address}; got: ${to(address).map((mail) => mail.subject).join(' | ')}`);
      return found;
    },
    refuseAll(refuse) {
      refusing = refuse;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
