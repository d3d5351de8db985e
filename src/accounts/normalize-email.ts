/** RFC 5321 §4.5.3.1: a path (and so an address) is at most 254 usable characters. */
export const MAX_EMAIL_LENGTH = 254;

/**
 * Emails are matched trimmed, compatibility-normalised and case-insensitively: `Ada@Example.COM `
 * and the fullwidth `ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ` are both `ada@example.com`. NFKC first (it folds
 * fullwidth, mathematical and ligature forms: Unicode TS #39 §5 uses NFKC for identifiers), then
 * lower case, then NFKC again because lower-casing can un-normalise (`İ` → `i̇`). Sign-up and
 * sign-in both go through here.
 */
export function normalizeEmail(input: string): string {
  return input.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
}

/**
 * Characters that show nothing, or reorder what is shown: zero-width spaces and joiners, bidi
 * controls, soft hyphens, variation selectors, tags (Unicode Default_Ignorable_Code_Point and
 * the Format category Cf, as TS #39 §3.1 excludes from identifiers), and controls. An address
 * holding one could look identical to another's, so it is refused rather than silently cleaned.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}]/u;

export function hasInvisibleCharacters(input: string): boolean {
  return INVISIBLE.test(input.trim());
}

/** A deliberately loose shape check: one @, something on both sides, no spaces or controls. */
export function looksLikeEmail(normalized: string): boolean {
  return normalized.length <= MAX_EMAIL_LENGTH && /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u.test(normalized);
}
