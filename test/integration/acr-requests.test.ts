import { ACR, PAPE_MULTI_FACTOR } from '../../src/oidc/acr.ts';
import { expectRefused, recordingLogger } from '../helpers/abuse.ts';
import { ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, plainAccount, signedInConsole, STEP_MS, totpAccount, trustABrowser } from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, submitCode, textOf } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { RP_CALLBACK } from '../helpers/start-idp.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { appOf } from '../helpers/mfa-records.ts';

/** A require_mfa app that wants a second factor set up before the sign-in, never during it. */
const STRICTER_CLIENT = {
  client_id: 'stricter-app',
  client_name: 'Stricter App',
  token_endpoint_auth_method: 'none' as const,
  redirect_uris: [RP_CALLBACK],
  first_party: true,
  require_mfa: true,
  accept_mfa_set_up_at_sign_in: false,
};

/**
 * Issue 9 §4 and §5: a factor set up during the sign-in itself is honest about it (its own acr,
 * a client setting for whether it satisfies require_mfa), and the `claims` parameter's essential
 * acr is a step-up exactly like acr_values, or a clean failure (OpenID Connect Core §5.5.1.1).
 */
describe.each(STORE_KINDS)('acr requests and factors set up at sign-in on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, config: () => abuseConfig(), clients: [...ABUSE_CLIENTS, STRICTER_CLIENT], log });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  async function authorize(clientId: string, extra: Record<string, string> = {}, session = new HttpSession()) {
    const client = await discoverClient(w.idp.issuer, clientId);
    const authorization = await buildAuthorization(client, extra);
    const page = await openAuthorization(session, w.idp.issuer, authorization);
    const claimsOf = async (callback: HttpResponse) => {
      expect(isCallback(callback)).toBe(true);
      return (await redeemCode(client, callback, authorization)).claims()!;
    };
    return { session, page, claimsOf };
  }

  /** The enrolment page after the password: the key, the first code, the new backup code, Next. */
  async function enrolAtSignIn(session: HttpSession, enrol: HttpResponse): Promise<HttpResponse> {
    const key = textOf(enrol.text, 'totp-key');
    const saved = await session.submitForm(formAction(enrol.text, '/enrol', w.idp.issuer), { csrf: hiddenField(enrol.text, 'csrf'), code: codeFor(key, clock) });
    expect(saved.text).toContain('id="backup-code"');
    return session.follow(await session.submitForm(formAction(saved.text, '/continue', w.idp.issuer), { csrf: hiddenField(saved.text, 'csrf') }), w.idp.issuer);
  }

  /** The Security page's "Set up …" line under each method, in order. */
  const setUpLines = (html: string) => [...html.matchAll(/class="hint method-set-up">([^<]*)</g)].map((match) => match[1]!);

  const claimsParameter = (acr: Record<string, unknown>) => ({ claims: JSON.stringify({ id_token: { acr } }) });

  test('discovery lists the set-up-at-sign-in level beside the others', async () => {
    const discovery = await (await fetch(`${w.idp.issuer}/.well-known/openid-configuration`)).json() as { acr_values_supported: string[]; claims_parameter_supported?: boolean };
    expect(discovery.acr_values_supported).toEqual(expect.arrayContaining([ACR.password, ACR.rememberedDevice, ACR.mfaSetUpAtSignIn, ACR.mfa, PAPE_MULTI_FACTOR]));
    expect(discovery.claims_parameter_supported).toBe(true);
  });

  test('a factor set up during a require_mfa sign-in gives the set-up-at-sign-in acr, and audit says it happened during a sign-in', async () => {
    const account = await plainAccount(w, 'enrols');
    const flow = await authorize('strict-app');
    const enrol = await submitPassword(flow.session, w.idp.issuer, flow.page, account.email, ABUSE_PASSWORD);
    const claims = await flow.claimsOf(await enrolAtSignIn(flow.session, enrol));
    expect(claims.acr).toBe(ACR.mfaSetUpAtSignIn);
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    const events = log.lines.filter((line) => line.fields.accountId === account.id);
    expect(events.filter((line) => line.event === 'mfa.enrolled').map((line) => line.fields.details)).toEqual([{ method: 'totp', during: 'sign-in' }]);
    // Setting a factor up is not passing a challenge with it.
    expect(events.filter((line) => line.event === 'mfa.challenge.passed')).toEqual([]);
  });

  test('the Security page says when, on which device and how each method was set up', async () => {
    const duringSignIn = await plainAccount(w, 'shown');
    const chromeOnMac = new HttpSession({ 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36' });
    const flow = await authorize('strict-app', {}, chromeOnMac);
    const enrol = await submitPassword(chromeOnMac, w.idp.issuer, flow.page, duringSignIn.email, ABUSE_PASSWORD);
    const key = textOf(enrol.text, 'totp-key');
    await flow.claimsOf(await enrolAtSignIn(chromeOnMac, enrol));
    const console = await signedInConsole(w, { email: duringSignIn.email, key });
    const page = await console.get(`${w.idp.issuer}/account/security`);
    expect(setUpLines(page.text)[0]).toContain('Set up during a sign-in, on Chrome on macOS, after the password alone');
    expect(page.text).toContain(`since ${new Date(clock()).toISOString().slice(0, 10)}`);

    // The same account sets its method up again on the Security page: the page now says that instead.
    const onSecurityPage = await totpAccount(w, 'page');
    const pageConsole = await signedInConsole(w, onSecurityPage);
    expect(setUpLines((await pageConsole.get(`${w.idp.issuer}/account/security`)).text)[0]).toMatch(/^Set up on this Security page, on /);
  });

  test('an app with accept_mfa_set_up_at_sign_in false refuses enrolment at sign-in, clearly, and nothing is set up', async () => {
    const account = await plainAccount(w, 'refused');
    const flow = await authorize('stricter-app');
    const answer = await flow.session.submitForm(formAction(flow.page.text, '/login', w.idp.issuer), { csrf: hiddenField(flow.page.text, 'csrf'), email: account.email, password: ABUSE_PASSWORD });
    expectRefused(answer, 'MFA_SET_UP_FIRST');
    expect(appOf(await w.store.mfa.get(account.id))).toBeNull();
  });

  test('a session made by setting a factor up at sign-in proves that factor again for an app that does not accept it', async () => {
    const account = await plainAccount(w, 'later');
    const first = await authorize('strict-app');
    const enrol = await submitPassword(first.session, w.idp.issuer, first.page, account.email, ABUSE_PASSWORD);
    const key = textOf(enrol.text, 'totp-key');
    await first.claimsOf(await enrolAtSignIn(first.session, enrol));

    const stricter = await authorize('stricter-app', {}, first.session);
    expect(stricter.page.text).toContain('autocomplete="one-time-code"');
    clock.advance(STEP_MS);
    const claims = await stricter.claimsOf(await submitCode(first.session, w.idp.issuer, stricter.page, codeFor(key, clock)));
    expect(claims.acr).toBe(ACR.mfa);

    // The accepting app goes straight through on the same session.
    expect(isCallback((await authorize('strict-app', {}, first.session)).page)).toBe(true);
  });

  test('claims parameter: an essential MFA acr on a remembered-device session is a step-up, exactly like acr_values', async () => {
    const account = await totpAccount(w, 'claims');
    const browser = await trustABrowser(w, account);
    // Signed out of the provider but still trusted: the password alone, then the essential demand.
    const fresh = new HttpSession();
    for (const cookie of browser.cookies.values()) if (cookie.name.includes('trusted')) fresh.cookies.set(`${cookie.name};${cookie.path}`, cookie);
    const remembered = await authorize('first-party-app', {}, fresh);
    const skipped = await submitPassword(fresh, w.idp.issuer, remembered.page, account.email, ABUSE_PASSWORD);
    expect((await remembered.claimsOf(skipped)).acr).toBe(ACR.rememberedDevice);

    const stepUp = await authorize('first-party-app', claimsParameter({ essential: true, values: [ACR.mfa] }), fresh);
    expect(stepUp.page.text).toContain('autocomplete="one-time-code"');
    expect(stepUp.page.text).not.toContain('autocomplete="current-password"');
    clock.advance(STEP_MS);
    const claims = await stepUp.claimsOf(await submitCode(fresh, w.idp.issuer, stepUp.page, codeFor(account.key, clock)));
    expect(claims.acr).toBe(ACR.mfa);
  });

  test('claims parameter: an essential acr that cannot be met fails with unmet_authentication_requirements, no token', async () => {
    const account = await totpAccount(w, 'unmet');
    const flow = await authorize('first-party-app', claimsParameter({ essential: true, value: ACR.password }));
    const challenge = await submitPassword(flow.session, w.idp.issuer, flow.page, account.email, ABUSE_PASSWORD);
    clock.advance(STEP_MS);
    const answer = await submitCode(flow.session, w.idp.issuer, challenge, codeFor(account.key, clock));
    expect(answer.location).toBeDefined();
    const callback = new URL(answer.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe(RP_CALLBACK);
    expect(callback.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(callback.searchParams.get('code')).toBeNull();
  });

  test('claims parameter: an essential MFA acr for an account without a factor asks for one set up first, unless set-up-at-sign-in is listed', async () => {
    const account = await plainAccount(w, 'essential');
    const strict = await authorize('first-party-app', claimsParameter({ essential: true, values: [ACR.mfa] }));
    const answer = await strict.session.submitForm(formAction(strict.page.text, '/login', w.idp.issuer), { csrf: hiddenField(strict.page.text, 'csrf'), email: account.email, password: ABUSE_PASSWORD });
    expectRefused(answer, 'MFA_SET_UP_FIRST');

    const lenient = await authorize('first-party-app', claimsParameter({ essential: true, values: [ACR.mfa, ACR.mfaSetUpAtSignIn] }));
    const enrol = await submitPassword(lenient.session, w.idp.issuer, lenient.page, account.email, ABUSE_PASSWORD);
    expect((await lenient.claimsOf(await enrolAtSignIn(lenient.session, enrol))).acr).toBe(ACR.mfaSetUpAtSignIn);
  });
});
