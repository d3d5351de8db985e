import type { Context } from 'koa';
import type { InteractionDeps } from './interaction-deps.ts';
import type { InteractionDetails } from './interaction-io.ts';

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

export function rememberFinished(ctx: Context, details: InteractionDetails, ending: Ending): void {
  const value = [details.uid, ending, String(details.params.client_id)].map(encodeURIComponent).join('.');
  ctx.cookies.set(cookieName(ctx.secure), value, {
    path: `/interaction/${details.uid}`,
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    maxAge: KEEP_SECONDS * 1000,
    overwrite: true,
  });
}

/** Where "Continue" leads: the app's registered home page (client_uri), else the origin of its first web redirect URI. */
function homeOf(client: { clientUri?: string; redirectUris?: string[] }): string | undefined {
  for (const candidate of [client.clientUri, ...(client.redirectUris ?? [])]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate);
      if (url.protocol === 'https:' || url.protocol === 'http:') return candidate === client.clientUri ? url.href : `${url.origin}/`;
    } catch {
      // Not a URL: try the next.
    }
  }
  return undefined;
}

/**
 * A GET of `/interaction/:uid/…` whose interaction is gone: if this browser finished that very
 * interaction, answers the "already finished" page and returns true; otherwise false (the caller
 * answers the usual expired page).
 */
export async function showFinishedSignIn(ctx: Context, deps: InteractionDeps): Promise<boolean> {
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
  const metadata = client as unknown as { clientName?: string; clientUri?: string; redirectUris?: string[] };
  const appName = metadata.clientName ?? clientId;
  ctx.status = 200;
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = deps.render('sign-in-finished', {
    title: ending === 'done' ? 'You have finished this sign-in' : 'You cancelled this sign-in',
    ending,
    appName,
    appHref: homeOf(metadata),
  });
  return true;
}
