import * as v from 'valibot';

/**
 * The building blocks every setting is made of, each carrying its own message: a setting that
 * breaks one is reported as "<path> <message> (got <value>)" by describe-problem.ts.
 */

/** A whole number in [min, max]; `fallback` when left out. */
export function integer(min: number, max: number, fallback: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return v.optional(v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message)), fallback);
}

export function boolean(fallback: boolean) {
  return v.optional(v.boolean('must be true or false'), fallback);
}

const NON_EMPTY = 'must be a non-empty string';

export function text(fallback: string) {
  return v.optional(v.pipe(v.string(NON_EMPTY), v.minLength(1, NON_EMPTY)), fallback);
}

/** A string that may be left out or null (null when it is). */
export function optionalText() {
  return v.nullish(v.pipe(v.string(NON_EMPTY), v.minLength(1, NON_EMPTY)), null);
}

/** One of `options`; the message lists them. */
export function oneOf<const T extends readonly [string, ...string[]]>(options: T, fallback: T[number]) {
  const listed = options.map((o) => `"${o}"`);
  const message = `must be ${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}`;
  return v.optional(v.picklist(options, message), fallback);
}

function parsesAsUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const HTTP_URL = 'must be an http(s) URL';

/** An absolute http(s) URL, e.g. a support page. */
export const httpUrl = v.pipe(v.string(HTTP_URL), v.check((value) => /^https?:$/.test(parsesAsUrl(value)?.protocol ?? ''), HTTP_URL));

/**
 * The issuer identifier: an absolute http(s) URL with no query or fragment
 * (OpenID Connect Discovery 1.0 §2; RFC 8414 §2).
 */
export const issuerUrl = v.pipe(
  v.string('must be an absolute URL'),
  // Each check parses again and passes what it cannot parse: with every problem collected
  // (abortEarly: false) all of them run, and only the first should speak for a non-URL.
  v.check((value) => parsesAsUrl(value) !== null, 'must be an absolute URL'),
  v.check((value) => /^https?:$/.test(parsesAsUrl(value)?.protocol ?? 'http:'), HTTP_URL),
  v.check((value) => !parsesAsUrl(value)?.search && !parsesAsUrl(value)?.hash, 'must not have a query or fragment (OpenID Connect Discovery 1.0 §2)'),
);

/** ISO 3166-1 alpha-2 country codes, upper case. */
export const COUNTRY_CODE = /^[A-Z]{2}$/;
