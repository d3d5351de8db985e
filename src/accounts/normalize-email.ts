/** RFC 5321 §4.5.3.1: a path (and so an address) is at most 254 usable characters. */
export const MAX_EMAIL_LENGTH = 254;

/** Emails are matched trimmed and case-insensitively: `Ada@Example.COM ` is `ada@example.com`. */
export function normalizeEmail(input: string): string {
  return input.trim().normalize('NFC').toLowerCase();
}

/** A deliberately loose shape check: one @, something on both sides, no spaces or controls. */
export function looksLikeEmail(normalized: string): boolean {
  return normalized.length <= MAX_EMAIL_LENGTH && /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u.test(normalized);
}
