import type { Context } from 'koa';
import { AppError } from '../errors.ts';

/**
 * Reads an application/x-www-form-urlencoded body of at most limitBytes. Anything larger is
 * refused with 413 before it is buffered (OWASP ASVS 5.0 V4, API and Web Service); other media types with 415.
 * A field sent twice keeps its first value.
 */
export async function readForm(ctx: Context, limitBytes: number): Promise<Record<string, string>> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limitBytes) throw new AppError('BODY_TOO_LARGE');

  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limitBytes) throw new AppError('BODY_TOO_LARGE');
    chunks.push(chunk);
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError('MALFORMED_BODY');
  }
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (!(key in form)) form[key] = value;
  }
  return form;
}

/** Codes are a few characters; anything much longer is not one and is not worth hashing. */
const MAX_CODE_INPUT = 64;

/** The `code` field of a form: trimmed, and cut short before it can cost anything. */
export function codeField(form: Record<string, string>): string {
  return (form.code ?? '').slice(0, MAX_CODE_INPUT).trim();
}

/** A form field as a string; missing fields read as ''. */
export function field(form: Record<string, string>, name: string): string {
  return Object.hasOwn(form, name) ? form[name]! : '';
}
