import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { PluginPaths } from '../http/plugin-paths.ts';
import type { RenderPage } from '../http/views.ts';
import { clientHomeOf, type ClientHomeMetadata } from '../oidc/client-home.ts';
import type { InteractionDetails } from './interaction-details.ts';
import { t } from '../i18n/translate.ts';

/** The page answers from the cookie and the app's registration alone. */
export interface FinishedSignInDeps {
  provider: Provider;
  render: RenderPage;
}

/**
 * Back after a finished sign-in. oidc-provider destroys the interaction when the browser
 * resumes, so Back to one of its pages would only find "expired" with no way on. Finishing
 * leaves a cookie for that interaction's pages alone (its path) naming the app and how it ended;
 * such a page then says the sign-in is over and leads to the app. It holds nothing about the
 * account and nothing secret: a forged one can only name a registered app, whose own
 * registered address is the link.
 */
const cookieName = (secure: boolean) => (secure ? '__Secure-oidc-mfa-finished' : 'oidc-mfa-finished');

/** An hour: enough for Back after a sign-in; short enough that a browser never holds many (one per sign-in, each sent to one path). */
const KEEP_SECONDS = 3600;

export type Ending = 'done' | 'cancelled';

export function rememberFinished(ctx: Context, paths: PluginPaths, details: InteractionDetails, ending: Ending): void {
  const value = [details.uid, ending, String(details.params.client_id)].map(encodeURIComponent).join('.');
  ctx.cookies.set(cookieName(ctx.secure), value, {
    path: paths.to(`/interaction/${details.uid}`),
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    maxAge: KEEP_SECONDS * 1000,
    overwrite: true,
  });
}

/**
 * A GET of `/interaction/:uid/…` whose interaction is gone: if this browser finished that very
 * interaction, answers the "already finished" page and returns true; otherwise false (the caller
 * answers the usual expired page).
 */
export async function showFinishedSignIn(ctx: Context, deps: FinishedSignInDeps): Promise<boolean> {
  const uid = /^\/interaction\/([^/]+)/.exec(ctx.path)?.[1] ?? '';
  const [cookieUid, ending, clientId] = (ctx.cookies.get(cookieName(ctx.secure)) ?? '').split('.').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return '';
    }
  });
  if (!uid || cookieUid !== uid || (ending !== 'done' && ending !== 'cancelled') || !clientId) return false;
  const client = await deps.provider.Client.find(clientId);
  if (!client) return false;
  // Only what the operator registered for the app (oidc/client-home.ts): never an address from the request.
  const metadata = (client as unknown as { metadata(): ClientHomeMetadata }).metadata();
  const home = clientHomeOf(metadata);
  ctx.status = 200;
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = deps.render('sign-in-finished', {
    title: ending === 'done' ? t('finished.doneTitle') : t('finished.cancelledTitle'),
    ending,
    appName: metadata.client_name || clientId,
    appHref: home?.href,
  });
  return true;
}
