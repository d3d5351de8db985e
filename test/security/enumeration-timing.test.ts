import { performance } from 'node:perf_hooks';
import { expectRefused, recordingLogger } from '../helpers/abuse.ts';
import { ABUSE_PASSWORD, abuseConfig, atLoginPage, nextEmail, plainAccount, totpAccount, type AbuseWorld } from '../helpers/abuse-accounts.ts';
import { formAction, hiddenField, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { STORE_KINDS, type StoreKind } from '../helpers/test-stores.ts';
import { describeGroup, lookAlike } from '../helpers/response-times.ts';

/**
 * Account enumeration at the password step. An unknown email, a wrong password and a locked
 * account must give the same answer (byte for byte, once the per-interaction uid and CSRF token
 * and the echoed email are blanked) and take about the same time.
 */
const LOCK_AFTER = 3;

/** The provider of every block here (opened in its beforeAll, closed in its afterAll): the account lock after LOCK_AFTER failures. */
function useWorld(kind: StoreKind): { w: AbuseWorld; log: ReturnType<typeof recordingLogger> } {
  const log = recordingLogger();
  const w = useIdpWorld(kind, {
    log,
    config: () => abuseConfig({ login: { maxFailuresPerAccount: LOCK_AFTER, maxFailuresPerIp: 100_000, failureWindowSeconds: 900 } }),
  });
  return { w, log };
}

/**
 * A login page of its own, then one password attempt: the POST's own answer (a 303 back to the
 * sign-in page: Post/Redirect/Get), how long it took (the password is checked there), and the
 * page the browser is then shown.
 */
async function prepare(w: AbuseWorld) {
  const { session, page } = await atLoginPage(w);
  const action = formAction(page.text, '/login', w.idp.issuer);
  const csrf = hiddenField(page.text, 'csrf');
  return async (email: string, password: string): Promise<{ post: HttpResponse; response: HttpResponse; ms: number }> => {
    const started = performance.now();
    const post = await session.postForm(action, { csrf, email, password });
    const ms = performance.now() - started;
    return { post, response: await session.follow(post, w.idp.issuer), ms };
  };
}

/** The answer with what legitimately differs blanked: the interaction uid, its CSRF token, and the email typed. */
function comparable(response: HttpResponse, email: string): string {
  return response.text
    .replace(/\/interaction\/[\w-]+/g, '/interaction/UID')
    .replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value="TOKEN"')
    .replaceAll(`value="${email}"`, 'value="EMAIL"');
}

const headerNames = (response: HttpResponse) => [...response.headers.keys()].filter((name) => name !== 'date').sort();

describe.each(STORE_KINDS)('the same answer for unknown, wrong and locked on %s', (kind) => {
  const { w, log } = useWorld(kind);

  test('unknown email, wrong password, wrong password of an MFA account, locked account with the wrong and with the RIGHT password: byte-identical', async () => {
    const existing = await plainAccount(w);
    const withMfa = await totpAccount(w);
    const locked = await plainAccount(w, 'locked');
    for (let i = 0; i < LOCK_AFTER; i += 1) await (await prepare(w))(locked.email, 'a wrong password');

    const cases: Array<[string, string, string]> = [
      ['unknown email', nextEmail('nobody'), 'a wrong password'],
      ['wrong password', existing.email, 'a wrong password'],
      ['wrong password, account with MFA', withMfa.email, 'a wrong password'],
      ['locked account, wrong password', locked.email, 'a wrong password'],
      ['locked account, right password', locked.email, ABUSE_PASSWORD],
    ];
    const answers = [];
    for (const [label, email, password] of cases) {
      const { post, response } = await (await prepare(w))(email, password);
      expectRefused(response, 'INVALID_CREDENTIALS');
      answers.push({
        label,
        post: { status: post.status, headers: headerNames(post), body: comparable(post, email), cookies: post.headers.getSetCookie().length },
        page: { status: response.status, type: response.headers.get('content-type'), headers: headerNames(response), body: comparable(response, email) },
      });
    }
    const [reference] = answers;
    for (const answer of answers.slice(1)) {
      expect({ ...answer, label: reference!.label }).toEqual(reference);
    }
    expect(log.failures()).toEqual([]);
  });
});

/**
 * The one timing comparison the spec asks for. Wall-clock timing on a shared CI machine is
 * noisy, so the check is deliberately tolerant: each group is 15 sequential samples taken
 * after a warm-up, interleaved (unknown, wrong, locked, in rotating order) so drift hits all
 * groups alike, and two groups "look the same" when each median lies within the other's
 * [min, max], or the medians are within a factor of 2. What it catches is the real leak: an
 * unknown email that skips argon2 answers in a few milliseconds against tens for a wrong
 * password — far outside both tolerances. The control at the end proves the method sees such
 * a difference (a missing password is refused before any hashing).
 */
describe('response times (SQLite)', () => {
  const SAMPLES = 15;
  const WARM_UP = 3;
  const { w } = useWorld('sqlite');

  test('an unknown email, a wrong password and a locked account take about the same time', async () => {
    // Wrong passwords spread over accounts (one failure each), so none of them locks.
    const accounts: Array<{ email: string }> = [];
    for (let i = 0; i < SAMPLES + WARM_UP; i += 1) accounts.push(await plainAccount(w));
    const locked = await plainAccount(w, 'locked');
    for (let i = 0; i < LOCK_AFTER; i += 1) await (await prepare(w))(locked.email, 'a wrong password');

    const kinds = {
      unknown: (_i: number) => [nextEmail('nobody'), 'a wrong password'] as const,
      wrong: (i: number) => [accounts[i]!.email, 'a wrong password'] as const,
      locked: (_i: number) => [locked.email, ABUSE_PASSWORD] as const,
    };
    const times: Record<keyof typeof kinds, number[]> = { unknown: [], wrong: [], locked: [] };
    const order = Object.keys(kinds) as Array<keyof typeof kinds>;
    for (let i = 0; i < SAMPLES + WARM_UP; i += 1) {
      // Rotate the order each round, so no group is always first after a pause.
      for (let k = 0; k < order.length; k += 1) {
        const kind = order[(i + k) % order.length]!;
        const attempt = await prepare(w);
        const [email, password] = kinds[kind](i);
        const { post, response, ms } = await attempt(email, password);
        expect([post.status, response.status]).toEqual([303, 400]);
        if (i >= WARM_UP) times[kind].push(ms);
      }
    }
    const report = `unknown: ${describeGroup(times.unknown)}; wrong: ${describeGroup(times.wrong)}; locked: ${describeGroup(times.locked)}`;
    expect({ unknownVsWrong: lookAlike(times.unknown, times.wrong), lockedVsWrong: lookAlike(times.locked, times.wrong), report })
      .toEqual({ unknownVsWrong: true, lockedVsWrong: true, report });

    // Control: a missing password is answered before any hashing; the method must tell that apart.
    const fast: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) fast.push((await (await prepare(w))(accounts[i]!.email, '')).ms);
    expect({ controlLooksAlike: lookAlike(fast, times.wrong), fast: describeGroup(fast), wrong: describeGroup(times.wrong) })
      .toEqual({ controlLooksAlike: false, fast: describeGroup(fast), wrong: describeGroup(times.wrong) });
  });
});
