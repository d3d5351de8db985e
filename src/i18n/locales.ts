/**
 * The languages the pages are written in, and how a request's language tags map onto them.
 * Tags are BCP 47 (RFC 5646) and compared case-insensitively (RFC 4647 §2.1): any French
 * (`fr`, `fr-FR`, `fr-CA`, `fr-BE`…) is served the Canadian French pages, any English the English
 * ones; nothing else is spoken here.
 */
export const LOCALES = ['en', 'fr-CA'] as const;
export type Locale = (typeof LOCALES)[number];

/** What a request gets when it says nothing we speak; the existing pages and tests are English. */
export const DEFAULT_LOCALE: Locale = 'en';

/** The supported locale a single language tag (or range) asks for; undefined when it asks for one we do not speak. */
export function localeOfTag(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split('-')[0];
  if (primary === 'fr') return 'fr-CA';
  if (primary === 'en') return 'en';
  return undefined;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * OpenID Connect Core 1.0 §3.1.2.1 `ui_locales`: "space-separated list of BCP47 language tag
 * values, ordered by preference"; the first we speak wins. An unsupported list is not an error
 * (the OP "SHOULD NOT" fail on it): undefined, and the other signals decide.
 */
export function localeOfUiLocales(value: unknown): Locale | undefined {
  if (typeof value !== 'string') return undefined;
  for (const tag of value.split(' ').slice(0, 20)) {
    const locale = tag && localeOfTag(tag);
    if (locale) return locale;
  }
  return undefined;
}

/**
 * RFC 9110 §12.5.4 `Accept-Language`: language ranges with optional q-values (0 to 1, three
 * decimals at most); a higher q is preferred, equal q keep their order, q=0 means "not this".
 * `*` matches anything, so it takes the default. A header we cannot read counts as absent.
 */
export function localeOfAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header || header.length > 1000) return undefined;
  const ranges = header.split(',').slice(0, 50).map((part, index) => {
    const [range = '', ...parameters] = part.split(';').map((piece) => piece.trim());
    const qParameter = parameters.find((parameter) => /^q\s*=/i.test(parameter));
    const q = qParameter === undefined ? 1 : Number(qParameter.replace(/^q\s*=\s*/i, ''));
    return { range, q: Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0, index };
  });
  const wanted = ranges.filter((entry) => entry.range && entry.q > 0).sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { range } of wanted) {
    if (range === '*') return DEFAULT_LOCALE;
    const locale = localeOfTag(range);
    if (locale) return locale;
  }
  return undefined;
}
