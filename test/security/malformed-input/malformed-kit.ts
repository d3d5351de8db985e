import { recordingLogger, uidOf } from '../../helpers/abuse.ts';
import { ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, atLoginPage, plainAccount, signedInConsole } from '../../helpers/abuse-accounts.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';
import { formAction, hiddenField, type HttpSession, type HttpResponse } from '../../helpers/http-session.ts';
import { useIdpWorld } from '../../helpers/idp-world.ts';
import { isCallback } from '../../helpers/oidc-flow.ts';
import { cookieHeaderFor, rawRequest, type RawResponse } from '../../helpers/raw-http.ts';
import type { StoreKind } from '../../helpers/test-stores.ts';
import { providerResultOf } from '../../helpers/interaction-result.ts';

/**
 * What the malformed-input battery (the *.test.ts files beside this one) stands on.
 * Bodies, content types, encodings, characters, paths and cookies no page of ours would send.
 * Every answer is a 4xx with its code and message (never a 500, a stack or a path), and none
 * gains anything: no session, no result for the interaction, no stored change.
 */

/** Every POST step of an interaction, as the last segment of /interaction/:uid/:step. */
export const INTERACTION_STEPS = ['login', 'totp', 'sms', 'sms/send', 'backup-code', 'enrol', 'continue', 'consent', 'abort'];
/** Every POST route of the Security page (the console). */
export const CONSOLE_POSTS = [
  '/account/security/setup', '/account/security/setup/app', '/account/security/setup/sms', '/account/security/setup/sms/resend',
  '/account/security/setup/sms/verify', '/account/security/backup-code', '/account/security/devices/revoke',
  '/account/security/devices/revoke-all', '/account/security/turn-off', '/account/security/sign-out-everywhere',
];
/** The one content type our forms are read in. */
export const FORM = 'application/x-www-form-urlencoded';

/** Full-width (U+FF10…) form of an ASCII digit string. */
export const fullWidth = (digits: string) => [...digits].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
/** Arabic-Indic (U+0660…) form of an ASCII digit string. */
export const arabicIndic = (digits: string) => [...digits].map((d) => String.fromCodePoint(0x0660 + Number(d))).join('');
/** Devanagari (U+0966…) form of an ASCII digit string. */
export const devanagari = (digits: string) => [...digits].map((d) => String.fromCodePoint(0x0966 + Number(d))).join('');

/** Full-width form of every printable ASCII character of a token (others left as they are). */
export function toWide(token: string): string {
  return [...token].map((ch) => (/[!-~]/.test(ch) ? String.fromCodePoint(ch.codePointAt(0)! + 0xfee0) : ch)).join('');
}

/** Call inside a describe block: the world on this store, its log (no failures allowed after each test), its clock, and the helpers. */
export function useMalformedInputWorld(kind: StoreKind) {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  // Per-IP failures out of the way: this battery sends many wrong passwords on purpose (brute-force.test.ts tests the limit).
  const world = useIdpWorld(kind, { clock, clients: ABUSE_CLIENTS, config: () => abuseConfig({ login: { maxFailuresPerAccount: 10, maxFailuresPerIp: 10_000, failureWindowSeconds: 900 } }), log });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const issuer = () => world.idp.issuer;
  const resultOf = async (uid: string) => providerResultOf(await world.idp.app.Interaction.find(uid));

  /** A POST with this browser's cookies, as raw as we like. */
  function rawPost(session: HttpSession, url: string, body: string | Buffer | Array<string | Buffer> | undefined, headers: Record<string, string> = {}): Promise<RawResponse> {
    return rawRequest(url, { method: 'POST', body, headers: { accept: 'text/html', origin: issuer(), cookie: cookieHeaderFor(session, url), ...headers } });
  }

  /**
   * The same, then the page the browser is shown: a form the route read and refused is answered
   * with a 303 to the page that says why (Post/Redirect/Get); a refusal before reading is direct.
   */
  async function rawSubmit(session: HttpSession, url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse | HttpResponse> {
    const response = await rawPost(session, url, body, headers);
    return response.status === 303 && response.location ? session.follow(await session.get(response.location), issuer()) : response;
  }

  /** Every form route, each with the cookies that get it past "who are you" to reading the body. */
  async function everyFormRoute() {
    const account = await plainAccount(world);
    const { session: browser, page } = await atLoginPage(world);
    const uid = uidOf(page.url);
    const console = await signedInConsole(world, await plainAccount(world));
    const routes = [
      ...INTERACTION_STEPS.map((step) => ({ session: browser, url: `${issuer()}/interaction/${uid}/${step}` })),
      ...CONSOLE_POSTS.map((path) => ({ session: console, url: `${issuer()}${path}` })),
    ];
    /** Afterwards: the interaction still takes the right password, and nothing was stored for the console's account. */
    async function expectNothingChanged() {
      expect(await resultOf(uid)).toBeUndefined();
      const done = await browser.follow(await browser.submitForm(formAction(page.text, '/login', issuer()), { csrf: hiddenField(page.text, 'csrf'), email: account.email, password: ABUSE_PASSWORD }), issuer());
      expect(isCallback(done)).toBe(true);
      expect((await console.get(`${issuer()}/account/security`)).status).toBe(200);
    }
    return { routes, csrf: hiddenField(page.text, 'csrf'), expectNothingChanged };
  }

  return { world, log, clock, issuer, resultOf, rawPost, rawSubmit, everyFormRoute };
}
