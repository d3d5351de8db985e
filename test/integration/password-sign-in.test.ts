import * as oidc from 'openid-client';
import { ACR } from '../../src/oidc/acr.ts';
import { HttpSession, formAction, hiddenField } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, signIn, submitPassword } from '../helpers/oidc-flow.ts';
import { RP_LOGGED_OUT } from '../helpers/start-idp.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

describe.each(STORE_KINDS)('password sign-in end to end on %s', (kind) => {
  const { idp } = useIdpWorld(kind, { fakeTimeIn: 'nothing' });

  beforeAll(async () => {
    await idp.directory.add({ email: EMAIL, password: PASSWORD, name: 'Ada Lovelace', emailVerified: true });
  });

  test('a third-party app: sign-in page, password, consent, code + PKCE, ID token, userinfo, refresh', async () => {
    const client = await discoverClient(idp.issuer, 'third-party-app', 'third-party-app-secret-for-tests-only');
    const session = new HttpSession();
    // Refresh tokens come with offline_access, which OpenID Connect Core §11 ties to prompt=consent.
    const authorization = await buildAuthorization(client, { scope: 'openid email profile offline_access', prompt: 'consent' });

    const loginPage = await openAuthorization(session, idp.issuer, authorization);
    expect(loginPage.status).toBe(200);
    // "webauthn" too: the email field lists passkeys in its autofill (conditional UI).
    expect(loginPage.text).toContain('autocomplete="username webauthn"');
    expect(loginPage.text).toContain('autocomplete="current-password"');
    expect(loginPage.text).toContain('Third Party App');

    const consentPage = await submitPassword(session, idp.issuer, loginPage, ' Ada@Example.COM ', PASSWORD);
    expect(consentPage.status).toBe(200);
    expect(consentPage.text).toContain('See your email address');

    const callback = await session.follow(
      await session.postForm(formAction(consentPage.text, '/consent', idp.issuer), { csrf: hiddenField(consentPage.text, 'csrf') }),
      idp.issuer,
    );
    expect(isCallback(callback)).toBe(true);

    const tokens = await redeemCode(client, callback, authorization);
    const claims = tokens.claims()!;
    const account = await idp.directory.findByEmail(EMAIL);
    expect(claims.sub).toBe(account!.id);
    expect(claims.acr).toBe(ACR.password);
    expect(claims.amr).toEqual(['pwd']);
    expect(typeof claims.auth_time).toBe('number');

    const userinfo = await oidc.fetchUserInfo(client, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: account!.id, email: EMAIL, email_verified: true, name: 'Ada Lovelace' });

    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await oidc.refreshTokenGrant(client, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.claims()?.sub).toBe(account!.id);
  });

  test('a first-party app skips consent, and a second authorization reuses the session (single sign-on)', async () => {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const { session, tokens } = await signIn({ issuer: idp.issuer, client, email: EMAIL, password: PASSWORD });
    expect(tokens.claims()?.amr).toEqual(['pwd']);

    const again = await buildAuthorization(client);
    const callback = await openAuthorization(session, idp.issuer, again);
    expect(isCallback(callback)).toBe(true);
    const second = await redeemCode(client, callback, again);
    expect(second.claims()?.auth_time).toBe(tokens.claims()?.auth_time);
  });

  test('sign-out ends the session: the next authorization asks for the password again', async () => {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const { session, tokens } = await signIn({ issuer: idp.issuer, client, email: EMAIL, password: PASSWORD });

    const endSession = oidc.buildEndSessionUrl(client, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP_LOGGED_OUT });
    const confirm = await session.get(endSession.href);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Yes, sign me out');
    const action = formAction(confirm.text, '/session/end/confirm', idp.issuer);
    const done = await session.postForm(action, { xsrf: hiddenField(confirm.text, 'xsrf'), logout: 'yes' });
    expect(done.location).toBe(RP_LOGGED_OUT);

    const page = await openAuthorization(session, idp.issuer, await buildAuthorization(client));
    expect(page.status).toBe(200);
    expect(page.text).toContain('autocomplete="current-password"');
  });

  test('cancel sends the relying app access_denied', async () => {
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const session = new HttpSession();
    const page = await openAuthorization(session, idp.issuer, await buildAuthorization(client));
    const cancelled = await session.follow(
      await session.postForm(formAction(page.text, '/abort', idp.issuer), { csrf: hiddenField(page.text, 'csrf') }),
      idp.issuer,
    );
    expect(isCallback(cancelled)).toBe(true);
    expect(new URL(cancelled.location!).searchParams.get('error')).toBe('access_denied');
  });
});
