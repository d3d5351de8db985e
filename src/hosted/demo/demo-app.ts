import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Koa from 'koa';
import * as oidc from 'openid-client';
import { PROJECT_ROOT } from '../config/load-config.ts';
import { securityHeaders } from '../../http/security-headers.ts';
import { staticFiles } from '../../http/static-files.ts';
import { pluginPathsFor } from '../../http/plugin-paths.ts';
import { withPaths, type RenderPage } from '../../http/views.ts';
import { DEMO_CLIENT_ID } from './demo-client.ts';

export interface DemoAppOptions {
  issuer: string;
  /** Where the demo app itself is reached, e.g. http://localhost:3001 */
  baseUrl: string;
  render: RenderPage;
}

interface SignedIn {
  idToken: string;
  claims: oidc.IDToken;
  userinfo: oidc.UserInfoResponse;
}

interface Pending {
  verifier: string;
  nonce: string;
  expiresAt: number;
}

const PENDING_TTL_MS = 10 * 60 * 1000;

/** What the provider's answer means to the person back at the app (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6). */
function signInDidNotFinish(error: string): { title: string; message: string } {
  if (error === 'access_denied') return { title: 'Sign-in cancelled', message: "You cancelled the sign-in (or didn't allow access), so the demo app doesn't know who you are. Nothing was shared." };
  if (error === 'unmet_authentication_requirements') return { title: "The sign-in wasn't strong enough", message: 'The demo app asked for a stronger sign-in than the one that happened. Try again and complete every step.' };
  if (error === 'login_required' || error === 'consent_required' || error === 'interaction_required') return { title: 'You need to sign in', message: 'You are not signed in at the identity provider. Choose Try again to sign in.' };
  return { title: "Sign-in didn't finish", message: 'The identity provider did not sign you in. Try again; if it keeps happening, the details below help whoever runs it.' };
}

/**
 * A relying app as its developer would write it with openid-client: authorization code + PKCE,
 * then a page showing who signed in and how (acr, amr, auth_time). State lives in memory: it is a demo.
 */
export function createDemoApp({ issuer, baseUrl, render: renderPage }: DemoAppOptions): Koa {
  // The demo serves its own copy of the style sheet at its root: the layout's links start there.
  const render = withPaths(renderPage, pluginPathsFor(baseUrl));
  const app = new Koa();
  const sessions = new Map<string, SignedIn>();
  const pending = new Map<string, Pending>();
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc.discovery(new URL(issuer), DEMO_CLIENT_ID, undefined, oidc.None(), {
      execute: new URL(issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
    }).catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };
  const redirectUri = `${baseUrl}/callback`;

  app.use(securityHeaders());
  app.use(staticFiles(path.join(PROJECT_ROOT, 'static'), ['site.css', 'favicon.svg', 'timing.js']));
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      // Most often the provider is not where ISSUER says (another port, not started yet).
      ctx.status = 502;
      ctx.type = 'html';
      ctx.body = render('error', {
        title: "The demo app couldn't finish signing you in",
        code: 'DEMO_SIGN_IN_FAILED',
        message: `It could not complete the sign-in with the identity provider at ${issuer}: check that the provider is running there, then try again.`,
        details: (error as Error).message,
        ways: [{ href: '/login', text: 'Try again' }, { href: '/', text: 'Back to the demo app' }],
      });
    }
  });

  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== '/') return next();
    const session = sessions.get(ctx.cookies.get('demo_session') ?? '');
    const claims = session?.claims;
    ctx.type = 'html';
    ctx.body = render('demo', {
      title: 'Demo app',
      signedIn: Boolean(claims),
      name: session?.userinfo.name,
      email: session?.userinfo.email,
      sub: claims?.sub,
      acr: claims?.acr,
      amr: Array.isArray(claims?.amr) ? claims.amr.join(', ') : undefined,
      authTime: claims?.auth_time ? new Date(claims.auth_time * 1000).toISOString() : undefined,
      issuer,
    });
  });

  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== '/login') return next();
    const config = await configuration();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    pending.set(state, { verifier, nonce, expiresAt: Date.now() + PENDING_TTL_MS });
    ctx.cookies.set('demo_auth', state, { httpOnly: true, sameSite: 'lax', maxAge: PENDING_TTL_MS });
    ctx.redirect(oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    }).href);
  });

  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== '/callback') return next();
    const state = ctx.cookies.get('demo_auth') ?? '';
    const started = pending.get(state);
    pending.delete(state);
    ctx.cookies.set('demo_auth', null);
    if (typeof ctx.query.error === 'string') {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = render('error', { ...signInDidNotFinish(ctx.query.error), code: ctx.query.error, details: typeof ctx.query.error_description === 'string' ? ctx.query.error_description : undefined, ways: [{ href: '/login', text: 'Try again' }, { href: '/', text: 'Back to the demo app' }] });
      return;
    }
    if (!started || started.expiresAt < Date.now()) {
      ctx.redirect('/');
      return;
    }
    const tokens = await oidc.authorizationCodeGrant(await configuration(), new URL(ctx.originalUrl, baseUrl), {
      pkceCodeVerifier: started.verifier,
      expectedState: state,
      expectedNonce: started.nonce,
    });
    const claims = tokens.claims()!;
    // The ID token says who and how; name and email come from userinfo (OpenID Connect Core §5.4).
    const userinfo = await oidc.fetchUserInfo(await configuration(), tokens.access_token, claims.sub);
    const sid = randomBytes(32).toString('base64url');
    sessions.set(sid, { idToken: tokens.id_token!, claims, userinfo });
    ctx.cookies.set('demo_session', sid, { httpOnly: true, sameSite: 'lax' });
    ctx.redirect('/');
  });

  app.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/logout') return next();
    const sid = ctx.cookies.get('demo_session') ?? '';
    const session = sessions.get(sid);
    sessions.delete(sid);
    ctx.cookies.set('demo_session', null);
    if (!session) return ctx.redirect('/');
    ctx.status = 303;
    ctx.redirect(oidc.buildEndSessionUrl(await configuration(), {
      id_token_hint: session.idToken,
      post_logout_redirect_uri: `${baseUrl}/`,
    }).href);
  });

  return app;
}
