import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { AppError } from '../errors.ts';
import { CONSOLE_CLIENT_ID } from './console-client.ts';
import type { PluginPaths } from '../http/plugin-paths.ts';
import type { RenderPage } from '../http/views.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';
import { loadConsoleSession, type ConsoleSessionDeps } from './console-session.ts';
import { safeNext } from './safe-next.ts';
import { t } from '../i18n/translate.ts';

/** Signing in to the Security page through the provider: the state is kept in the transient store. */
export interface ConsoleSignInDeps extends ConsoleSessionDeps {
  issuer: string;
  paths: PluginPaths;
  transient: TransientStore;
  render: RenderPage;
}

const STATE_COOKIE = 'oidc_mfa_console_state';
const STATE_TTL_SECONDS = 1800;

/**
 * Sends the browser through the provider's authorization endpoint. `fresh` asks for
 * prompt=login: the re-authentication sensitive changes need (password, then the second
 * factor where enrolled), done by the provider's own prompt rather than a second login system.
 */
export async function startConsoleSignIn(ctx: Context, deps: ConsoleSignInDeps): Promise<void> {
  const state = randomBytes(24).toString('base64url');
  const next = safeNext(ctx.query.next);
  const signedIn = await loadConsoleSession(ctx, deps);
  await deps.transient.set(`console-sign-in:${state}`, next, STATE_TTL_SECONDS);
  ctx.cookies.set(STATE_COOKIE, state, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, maxAge: STATE_TTL_SECONDS * 1000, path: deps.paths.to('/account/callback') });
  // The provider's own authorization route: a host may have renamed it (routes.authorization) or mounted the provider under a path.
  const url = new URL(deps.provider.urlFor('authorization'));
  url.search = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID,
    response_type: 'none',
    scope: 'openid',
    redirect_uri: `${deps.issuer}/account/callback`,
    state,
    ...(ctx.query.fresh === '1' ? { prompt: 'login' } : {}),
    // Re-authentication: the person is already known, so the sign-in page shows their email.
    ...(ctx.query.fresh === '1' && signedIn ? { login_hint: signedIn.account.email } : {}),
  }).toString();
  ctx.redirect(url.href);
}

/** The state must be the one this browser started with (login CSRF); then on to the page asked for. */
export async function finishConsoleSignIn(ctx: Context, deps: ConsoleSignInDeps): Promise<void> {
  const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
  const expected = ctx.cookies.get(STATE_COOKIE);
  ctx.cookies.set(STATE_COOKIE, null, { path: deps.paths.to('/account/callback') });
  if (!state || state !== expected) throw new AppError('CSRF_FAILED');
  const next = await deps.transient.take(`console-sign-in:${state}`);
  if (!next) throw new AppError('INTERACTION_EXPIRED');
  if (typeof ctx.query.error === 'string') {
    ctx.type = 'html';
    ctx.body = deps.render('error', {
      title: t('console.notSignedInTitle'),
      code: ctx.query.error,
      message: t('console.notSignedInMessage'),
      link: { href: deps.paths.to(safeNext(next)), text: t('ways.tryAgain') },
    });
    return;
  }
  ctx.redirect(deps.paths.to(safeNext(next)));
}
