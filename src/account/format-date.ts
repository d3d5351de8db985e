import type { Locale } from '../i18n/locales.ts';
import { currentLocale } from '../i18n/request-language.ts';

/**
 * How each language writes a day, through Intl: English keeps the ISO 8601 form the pages and
 * the CLI have always shown (en-CA's numeric date is exactly that, "2026-12-03"); French writes
 * it as people in Quebec read it, « 3 décembre 2026 ». In UTC: the server does not know the
 * reader's zone, and a day that changed with it would disagree with the CLI's.
 */
const DAY_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }),
  'fr-CA': new Intl.DateTimeFormat('fr-CA', { dateStyle: 'long', timeZone: 'UTC' }),
};

/** A day as people read it on the Security page, in the request's language; undefined for none. */
export const formatDate = (ms: number | null | undefined) => (ms ? DAY_FORMATS[currentLocale()].format(new Date(ms)) : undefined);
