import { t, tCount } from '../i18n/translate.ts';

/**
 * A moment a page talks about (a pause ending, a resend becoming possible), in the forms a page
 * needs: words a person reads ("in 4 minutes"), the clock time, and what static/timing.js needs
 * to count down and show the time in the reader's own zone. The server does not know that zone,
 * so its own text says UTC; the countdown runs on the seconds left, not on the browser's clock,
 * which may be wrong.
 */
export interface WaitTime {
  /** Whole seconds left, rounded up (never early); at least 1. */
  seconds: number;
  /** "in 25 seconds", "in 4 minutes", "in 1 hour" (« dans 4 minutes »). */
  words: string;
  /** ISO 8601, for `<time datetime>`. */
  iso: string;
  /** "14:05 UTC". */
  clock: string;
}

/** How long `ms` is, as a person says it in the request's language, rounded up: seconds under a minute, then minutes, then hours and minutes. */
export function durationInWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return tCount('time.seconds', seconds);
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return tCount('time.minutes', minutes);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? tCount('time.hours', hours) : t('time.hoursAndMinutes', { hours: tCount('time.hours', hours), minutes: tCount('time.minutes', rest) });
}

export function waitTime(until: number, now: number): WaitTime {
  const left = Math.max(1, until - now);
  const at = new Date(until);
  return {
    seconds: Math.ceil(left / 1000),
    words: t('time.in', { duration: durationInWords(left) }),
    iso: at.toISOString(),
    clock: t('time.clockUtc', { time: at.toISOString().slice(11, 16) }),
  };
}
