import { expectRefused, RecordingSession, recordingLogger } from '../helpers/abuse.ts';
import { ABUSE_PASSWORD, abuseConfig, atLoginPage, plainAccount } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { isCallback, submitPassword } from '../helpers/oidc-flow.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

/**
 * The password lock (DESIGN.md: "failures counted, not attempts in flight"; "a limit that anyone
 * can trip for someone else must not lock the owner out of a browser they have used before"),
 * through the real sign-in page. OWASP "Slow down online guessing attacks with device cookies";
 * NIST SP 800-63B §3.2.2 (rate limiting). All requests come from 127.0.0.1: the per-IP limit is
 * set out of the way here (it is tested in brute-force.test.ts).
 */
const LIMIT = 10;
const DEVICE_COOKIE = 'oidc-mfa-device'; // plain http in tests: no __Host- prefix

describe.each(STORE_KINDS)('password lock and device cookies on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, log, config: () => abuseConfig({ login: { maxFailuresPerAccount: LIMIT, maxFailuresPerIp: 100_000, failureWindowSeconds: 900 } }) });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  /** A browser (new, or the one given) at a new sign-in page, then this password. */
  async function signIn(email: string, password: string, session: HttpSession = new HttpSession()) {
    const { page } = await atLoginPage(w, 'first-party-app', session);
    return submitPassword(session, w.idp.issuer, page, email, password);
  }

  /** Many browsers parked at the sign-in page first, then every password sent at once. */
  async function burst(email: string, passwords: string[]) {
    const parked = await Promise.all(passwords.map(() => atLoginPage(w)));
    return Promise.all(parked.map(({ session, page }, i) => submitPassword(session, w.idp.issuer, page, email, passwords[i]!)));
  }

  /** The same browser later: only its device cookie kept (its provider session has ended). */
  function sameBrowserLater(session: HttpSession, cookieValue?: string): HttpSession {
    const later = new HttpSession();
    const device = [...session.cookies.values()].find((cookie) => cookie.name === DEVICE_COOKIE);
    if (!device) throw new Error('the browser has no device cookie');
    later.cookies.set(`${device.name};/`, { ...device, value: cookieValue ?? device.value });
    return later;
  }

  async function lockOut(email: string) {
    for (const answer of await burst(email, Array(LIMIT).fill('not the password'))) expectRefused(answer, 'INVALID_CREDENTIALS');
    expectRefused(await signIn(email, ABUSE_PASSWORD), 'INVALID_CREDENTIALS');
  }

  test('twenty parallel sign-ins with the right password all succeed (failures are counted, not attempts in flight)', async () => {
    const account = await plainAccount(w);
    const answers = await burst(account.email, Array(20).fill(ABUSE_PASSWORD));
    expect(answers.map((answer) => (isCallback(answer) ? 'signed in' : `${answer.status}`))).toEqual(Array(20).fill('signed in'));
  });

  test('thirty parallel wrong passwords: only the limit are checked, and then the right one from a new browser is refused', async () => {
    const account = await plainAccount(w);
    const before = log.lines.length;
    for (const answer of await burst(account.email, Array(30).fill('not the password'))) expectRefused(answer, 'INVALID_CREDENTIALS');
    const failed = log.lines.slice(before).filter((line) => line.event === 'login.failed');
    expect(failed.filter((line) => line.fields.locked === false)).toHaveLength(LIMIT);
    expect(failed.filter((line) => line.fields.locked === true)).toHaveLength(30 - LIMIT);
    expectRefused(await signIn(account.email, ABUSE_PASSWORD), 'INVALID_CREDENTIALS');
  });

  test('the owner signs in from a browser used before while an attacker holds the account locked', async () => {
    const account = await plainAccount(w);
    const owner = new RecordingSession();
    expect(isCallback(await signIn(account.email, ABUSE_PASSWORD, owner))).toBe(true);
    const line = owner.setCookies.find(({ line }) => line.startsWith(`${DEVICE_COOKIE}=`))?.line ?? '';
    expect(line.toLowerCase()).toEqual(expect.stringContaining('httponly'));
    expect(line.toLowerCase()).toEqual(expect.stringContaining('samesite=lax'));
    expect(line.toLowerCase()).toEqual(expect.stringContaining('path=/'));

    await lockOut(account.email);
    expect(isCallback(await signIn(account.email, ABUSE_PASSWORD, sameBrowserLater(owner)))).toBe(true);
    // The lock still holds for every other browser.
    expectRefused(await signIn(account.email, ABUSE_PASSWORD), 'INVALID_CREDENTIALS');
  });

  test("account A's device cookie does not pass account B's lock", async () => {
    const a = await plainAccount(w, 'device-a');
    const b = await plainAccount(w, 'device-b');
    const browser = new HttpSession();
    expect(isCallback(await signIn(a.email, ABUSE_PASSWORD, browser))).toBe(true);
    await lockOut(b.email);
    expectRefused(await signIn(b.email, ABUSE_PASSWORD, sameBrowserLater(browser)), 'INVALID_CREDENTIALS');
  });

  test('a forged or tampered device cookie does not pass the lock', async () => {
    const account = await plainAccount(w, 'device-forged');
    const browser = new HttpSession();
    expect(isCallback(await signIn(account.email, ABUSE_PASSWORD, browser))).toBe(true);
    await lockOut(account.email);
    const genuine = [...browser.cookies.values()].find((cookie) => cookie.name === DEVICE_COOKIE)!.value;
    const [id, issuedAt, mac] = genuine.split('.') as [string, string, string];
    const forgeries = [
      `${id}.${issuedAt}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}.${issuedAt}.${mac}`,
      `${id}.${Number(issuedAt) + 1000}.${mac}`,
      `${id}.${issuedAt}.${'A'.repeat(43)}`,
      'not-a-device-cookie',
    ];
    for (const forged of forgeries) {
      expectRefused(await signIn(account.email, ABUSE_PASSWORD, sameBrowserLater(browser, forged)), 'INVALID_CREDENTIALS');
    }
    // Control: the genuine cookie still passes.
    expect(isCallback(await signIn(account.email, ABUSE_PASSWORD, sameBrowserLater(browser)))).toBe(true);
  });

  test('a device cookie that fails too often stops passing the lock', async () => {
    const account = await plainAccount(w, 'device-guessed');
    const browser = new HttpSession();
    expect(isCallback(await signIn(account.email, ABUSE_PASSWORD, browser))).toBe(true);
    await lockOut(account.email);
    for (let i = 0; i < LIMIT; i += 1) expectRefused(await signIn(account.email, 'not the password', sameBrowserLater(browser)), 'INVALID_CREDENTIALS');
    expectRefused(await signIn(account.email, ABUSE_PASSWORD, sameBrowserLater(browser)), 'INVALID_CREDENTIALS');
    // The window ends for everyone alike.
    clock.advance(901_000);
    expect(isCallback(await signIn(account.email, ABUSE_PASSWORD))).toBe(true);
  });
});
