import { endSessionsNow, sessionStartedBefore, sessionsEndAt, tokenFromBefore } from '../../../src/mfa/account-security.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';

const S = 1_900_000_000; // a whole second, in oidc-provider's time base

describe('when sessions and tokens end', () => {
  test('an event is stamped at the start of the next whole second', () => {
    expect(sessionsEndAt(S * 1000)).toBe((S + 1) * 1000);
    expect(sessionsEndAt(S * 1000 + 400)).toBe((S + 1) * 1000);
    expect(sessionsEndAt(S * 1000 + 999)).toBe((S + 1) * 1000);
  });

  test('a session from earlier in the same second as the change ends; one from the next second does not', () => {
    const stamped = sessionsEndAt(S * 1000 + 400);
    expect(sessionStartedBefore(S - 1, stamped)).toBe(true);
    expect(sessionStartedBefore(S, stamped)).toBe(true);
    expect(sessionStartedBefore(S + 1, stamped)).toBe(false);
  });

  test('a change stamped in milliseconds (a host\'s directory) ends its whole second too', () => {
    expect(sessionStartedBefore(S, S * 1000 + 400)).toBe(true);
    expect(sessionStartedBefore(S + 1, S * 1000 + 400)).toBe(false);
    // A whole-second stamp is exact: the session that began in that second began after it.
    expect(sessionStartedBefore(S, S * 1000)).toBe(false);
  });

  test('a session without a sign-in time is over once anything ended sessions', () => {
    expect(sessionStartedBefore(undefined, 1)).toBe(true);
    expect(sessionStartedBefore(undefined, 0)).toBe(false);
  });

  test('a code or refresh token goes by the sign-in of its session, an access token by its issue', () => {
    const stamped = sessionsEndAt(S * 1000 + 400);
    // A refresh token issued (or rotated) after the change from a session that began before it.
    expect(tokenFromBefore({ authTime: S, iat: S + 5 }, stamped)).toBe(true);
    expect(tokenFromBefore({ authTime: S + 1, iat: S + 5 }, stamped)).toBe(false);
    expect(tokenFromBefore({ iat: S }, stamped)).toBe(true);
    expect(tokenFromBefore({ iat: S + 1 }, stamped)).toBe(false);
  });

  test.each([0, 1, 400, 999])('endSessionsNow writes the stamp, then waits (under a second) until it has passed: %i ms into a second', async (intoSecond) => {
    const clock = createFakeClock(S * 1000 + intoSecond);
    const pauses: number[] = [];
    let written: number | undefined;
    const result = await endSessionsNow(clock, async (validAfter) => {
      written = validAfter;
      return 'done';
    }, async (ms) => {
      pauses.push(ms);
      clock.advance(ms);
    });
    expect(result).toBe('done');
    expect(written).toBe(sessionsEndAt(S * 1000 + intoSecond));
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeLessThanOrEqual(1000 + 5);
    expect(clock()).toBeGreaterThanOrEqual(written!);
    // What signs in now is not ended by it.
    expect(sessionStartedBefore(Math.floor(clock() / 1000), written!)).toBe(false);
  });
});
