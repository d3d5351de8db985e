import { en, type MessageKey } from './messages/en.ts';
import { frCA } from './messages/fr-CA.ts';
import type { Locale } from './locales.ts';
import { currentLocale } from './request-language.ts';

export type { MessageKey } from './messages/en.ts';
export type MessageParams = Readonly<Record<string, string | number>>;

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, 'fr-CA': frCA };
const PLURAL_RULES: Record<Locale, Intl.PluralRules> = { en: new Intl.PluralRules('en'), 'fr-CA': new Intl.PluralRules('fr-CA') };

function fill(text: string, params: MessageParams | undefined): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/**
 * The wording of `key` in `locale`, its `{name}` placeholders filled. A key no catalogue has
 * (only possible from a template, which the compiler does not see) comes back as itself, so the
 * page still renders; test/unit/i18n/catalogue.test.ts fails on any such key in the sources.
 */
export function translate(locale: Locale, key: string, params?: MessageParams): string {
  const text = CATALOGUES[locale][key as MessageKey] ?? en[key as MessageKey];
  return text === undefined ? key : fill(text, params);
}

/** `key` in the language of the request being answered (request-language.ts). */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(currentLocale(), key, params);
}

/**
 * A count in words: `key.one` or `key.other` as the language's plural rules pick (Intl.PluralRules:
 * French puts 0 and 1 in "one", English only 1), with `{count}` filled.
 */
export function tCount(key: string, count: number, locale: Locale = currentLocale()): string {
  const form = PLURAL_RULES[locale].select(count) === 'one' ? 'one' : 'other';
  return translate(locale, `${key}.${form}`, { count });
}
