import { ERRORS, type ErrorCode } from '../../src/errors.ts';
import { HttpSession, type HttpResponse } from './http-session.ts';
import type { Logger } from '../../src/log.ts';

/** What every refusal in the abuse battery is checked for: a status, a body, nothing internal. */
export interface Answer {
  status: number;
  text: string;
  location?: string;
}

/**
 * Stack frames, file paths and Node internals: none may ever reach a response body. A page title
 * may start "Error: " (the WCAG/GOV.UK pattern for a page reporting a problem): that one is ours.
 */
const INTERNALS = /node_modules|\bat [\w.<>]+ \(|\bat (?:file|node):|\/work\/|\/src\/[\w/-]+\.ts|(?<!<title>)Error: [A-Z]|TypeError|ReferenceError|SyntaxError|ERR_[A-Z_]+/;

export function expectNoInternals(answer: Answer): void {
  const leaked = INTERNALS.exec(answer.text);
  if (leaked) throw new Error(`the body gives away internals (${JSON.stringify(leaked[0])}):\n${answer.text.slice(0, 1500)}`);
}

/** The stable code shown on a refusal: the error page's `<code>`, or the form's data-code. */
export function errorCodeOf(answer: Answer): string | undefined {
  return (/Error code: <code>([^<]*)<\/code>/.exec(answer.text) ?? /data-code="([^"]*)"/.exec(answer.text) ?? /"error":"([^"]*)"/.exec(answer.text))?.[1];
}

/**
 * A clean refusal: exactly this status (always a 4xx), the code and its person-readable message
 * in the body, no redirect, and no stack trace, path or `node_modules` anywhere in it.
 */
export function expectRefused(answer: Answer, code: ErrorCode, status: number = ERRORS[code].status): void {
  const context = `${answer.status} ${errorCodeOf(answer) ?? '(no code)'} instead of ${status} ${code}:\n${answer.text.slice(0, 600)}`;
  if (status < 400 || status > 499) throw new Error(`expected a 4xx for ${code}, the test asks for ${status}`);
  if (answer.status !== status || errorCodeOf(answer) !== code) throw new Error(context);
  if (!answer.text.includes(ERRORS[code].message)) throw new Error(`the message of ${code} is missing:\n${answer.text.slice(0, 600)}`);
  if (answer.location !== undefined) throw new Error(`a refusal must not redirect, but it sends the browser to ${answer.location}`);
  expectNoInternals(answer);
}

/** Any 4xx with a readable code and message, and nothing internal: for inputs where several refusals are fair. */
export function expectSome4xx(answer: Answer, allowed: readonly ErrorCode[]): ErrorCode {
  const code = errorCodeOf(answer) as ErrorCode | undefined;
  if (answer.status < 400 || answer.status > 499 || !code || !allowed.includes(code)) {
    throw new Error(`expected a 4xx with one of ${allowed.join(', ')}, got ${answer.status} ${code ?? '(no code)'}:\n${answer.text.slice(0, 600)}`);
  }
  expectRefused(answer, code, answer.status);
  return code;
}

export interface RecordedLine {
  level: 'info' | 'warn' | 'error';
  event: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps every line, so a test can prove no request ever failed inside (no 500s logged). */
export function recordingLogger(): Logger & { lines: RecordedLine[]; failures(): RecordedLine[] } {
  const lines: RecordedLine[] = [];
  const emit = (level: RecordedLine['level']) => (event: string, fields: Record<string, unknown> = {}) => {
    lines.push({ level, event, fields });
  };
  return {
    lines,
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    failures: () => lines.filter((line) => line.level === 'error'),
  };
}

/** The uid in an interaction URL. */
export function uidOf(url: string): string {
  const match = /\/interaction\/([\w-]+)/.exec(url);
  if (!match) throw new Error(`not an interaction URL: ${url}`);
  return match[1]!;
}

/** An HttpSession that keeps every Set-Cookie line it receives, to check each cookie's attributes. */
export class RecordingSession extends HttpSession {
  readonly setCookies: { url: string; line: string }[] = [];

  override async request(url: string, init: RequestInit = {}): Promise<HttpResponse> {
    const response = await super.request(url, init);
    for (const line of response.headers.getSetCookie()) this.setCookies.push({ url, line });
    return response;
  }
}
