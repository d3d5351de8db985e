import { durationInWords, waitTime } from '../../../src/http/wait-time.ts';

describe('waiting times in words', () => {
  test.each([
    [1, '1 second'],
    [1_000, '1 second'],
    [1_001, '2 seconds'],
    [25_000, '25 seconds'],
    [59_999, '1 minute'],
    [60_000, '1 minute'],
    [61_000, '2 minutes'],
    [4 * 60_000 - 500, '4 minutes'],
    [3_600_000, '1 hour'],
    [3_660_000, '1 hour 1 minute'],
    [2 * 3_600_000 + 30 * 60_000, '2 hours 30 minutes'],
  ])('%i ms is "%s" (rounded up: never early)', (ms, words) => {
    expect(durationInWords(ms)).toBe(words);
  });

  test('a wait gives the seconds left, the words, and the time in UTC for the page script to localise', () => {
    const now = Date.UTC(2026, 0, 2, 13, 59, 30);
    expect(waitTime(now + 4 * 60_000, now)).toEqual({ seconds: 240, words: 'in 4 minutes', iso: '2026-01-02T14:03:30.000Z', clock: '14:03 UTC' });
    // A moment already past still reads as a moment away, never "in 0 seconds".
    expect(waitTime(now - 5_000, now).words).toBe('in 1 second');
  });
});
