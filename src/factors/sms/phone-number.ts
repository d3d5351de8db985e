// The max metadata: only it has the per-type patterns getType() needs to tell mobiles from landlines.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneRefusal = 'PHONE_INVALID' | 'PHONE_NOT_MOBILE' | 'PHONE_COUNTRY_NOT_ALLOWED';
export type ParsedMobile = { ok: true; e164: string; country: string } | { ok: false; code: PhoneRefusal };

/** ITU-T E.164 §6.1: at most 15 digits. 32 characters leaves room for the spaces, dashes and brackets people type. */
const MAX_INPUT_LENGTH = 32;

/**
 * A `+`, then digits with spaces, brackets and dashes (the ASCII one and U+2010–U+2015, which
 * pasted numbers often carry). No letters: libphonenumber would otherwise read extensions
 * ("x5", "ext. 5") or pick a number out of surrounding text, and an SMS cannot reach either.
 */
const TYPED = /^\+[\d\s()\-\u2010-\u2015]+$/;

/**
 * Types that can receive a text: MOBILE, and FIXED_LINE_OR_MOBILE for plans that do not tell
 * them apart (the whole North American Numbering Plan, so every +1 US number).
 */
const TEXTABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/**
 * A mobile number typed in international form (no default country: "+" and the country code are
 * required), as E.164 and its ISO 3166 alpha-2 country. `allowedCountries` null allows any.
 * The country is checked before the type, since a number from a refused country is refused
 * whatever its type.
 */
export function parseMobileNumber(input: string, allowedCountries: readonly string[] | null): ParsedMobile {
  const typed = input.trim();
  if (input.length > MAX_INPUT_LENGTH || !TYPED.test(typed)) return { ok: false, code: 'PHONE_INVALID' };
  const number = parsePhoneNumberFromString(typed);
  if (!number || !number.isValid()) return { ok: false, code: 'PHONE_INVALID' };
  const country = number.country;
  // Valid but of no country: the non-geographic codes of ITU-T E.164 (+800 freephone, +882
  // international networks…). Not a mobile subscription we can text.
  if (country === undefined) return { ok: false, code: 'PHONE_NOT_MOBILE' };
  if (allowedCountries !== null && !allowedCountries.some((allowed) => allowed.toUpperCase() === country)) {
    return { ok: false, code: 'PHONE_COUNTRY_NOT_ALLOWED' };
  }
  const type = number.getType();
  if (type === undefined || !TEXTABLE.has(type)) return { ok: false, code: 'PHONE_NOT_MOBILE' };
  return { ok: true, e164: number.number, country };
}

/**
 * The groups are joined by no-break spaces (U+00A0), so the number stays on one line wherever it
 * is shown (a page's sentence, a method's label, a button) at any width, rather than breaking
 * between its bullets; a CSS rule could not reach the labels composed here.
 */
const NBSP = '\u00a0';
const BULLETS = `•••${NBSP}•••`;

/**
 * A number to show back ("we sent a code to …"): the country code and the last 4 digits, e.g.
 * `+44 ••• ••• 3456` (no-break spaces). The bullets are the same whatever the length, so they do not tell it, and
 * at most half of the national number shows, so a very short number is never shown whole.
 */
export function maskPhone(e164: string): string {
  const number = parsePhoneNumberFromString(e164);
  const digits = number ? number.nationalNumber : e164.replace(/\D/g, '');
  const visible = Math.min(4, Math.floor(digits.length / 2));
  const last = visible > 0 ? `${NBSP}${digits.slice(-visible)}` : '';
  return number ? `+${number.countryCallingCode}${NBSP}${BULLETS}${last}` : `${BULLETS}${last}`;
}
