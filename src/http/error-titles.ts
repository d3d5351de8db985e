import type { ErrorCode } from '../errors.ts';
import { en } from '../i18n/messages/en.ts';
import { t } from '../i18n/translate.ts';

/**
 * The heading of each error page: what happened, in the person's words and language
 * (`errors.<CODE>.title` in i18n/messages/). The message (errorMessage) says what to do; the
 * heading alone should already tell them where they stand. Most form errors are shown inline
 * beside their field and reach a full page only when a form is replayed or forged. Every code of
 * ours has a heading (errors.ts does not compile without its wording); a code that is not ours
 * falls back to a sentence by status.
 */
export function errorTitle(code: ErrorCode, status: number): string {
  const key = `errors.${code}.title` as const;
  if (Object.hasOwn(en, key)) return t(key);
  return t(status >= 500 ? 'errors.fallback.serverTitle' : 'errors.fallback.title');
}
