import { existsSync, readFileSync } from 'node:fs';

export interface OutboxMessage {
  to: string;
  body: string;
  at: string;
}

/** Every message a development outbox wrote (texts by default; mails with `T` = OutboxMail), oldest first. */
export function readOutbox<T = OutboxMessage>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
}

/** A line of the mail outbox (EMAIL_OUTBOX). */
export interface OutboxMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  at: string;
}

/** The code in the latest message to `to`. */
export function latestCode(file: string, to: string): string {
  const message = readOutbox(file).filter((m) => m.to === to).at(-1);
  const code = message && /^(\d{6}) is your/.exec(message.body)?.[1];
  if (!code) throw new Error(`no code texted to ${to}`);
  return code;
}
