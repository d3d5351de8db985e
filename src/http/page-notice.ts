import type { Context } from 'koa';
import type { ErrorCode } from '../errors.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';

/**
 * Post/Redirect/Get. Every form POST of the sign-in and Security pages is answered with a 303 to
 * a page, so Refresh and Back never send a form again (a wrong code counted twice, a spent
 * backup code sent again, a new one lost). What the POST has to tell that page (a problem with
 * what was typed, an outcome) is left here: short-lived, under a scope the caller binds to the
 * interaction or Security-page session AND the account, and read once, by the page it names.
 */
export interface PageNotice {
  /** The page it is for: another page never shows it. */
  page: string;
  problem?: ErrorCode;
  /** What was typed, given back to the form (an email, a phone number); never a code or a password. */
  typed?: string;
  /** What happened that the page tells (e.g. `sms-sent`). */
  outcome?: string;
}

/** Kept with the notice and checked on reading, beside the scope that names the account too. */
interface KeptNotice extends PageNotice {
  accountId: string | null;
}

/** The redirect follows at once; five minutes cover a slow network without keeping much. */
const NOTICE_SECONDS = 300;

/**
 * The redirect's hint that a notice may be waiting: only then is the store asked, so a page
 * reached any other way (the usual case) costs no read. The notice itself is never in the URL.
 */
export const NOTICE_PARAM = 'notice';

const noticeKey = (scope: string) => `page-notice:${scope}`;

/** Leaves `notice` for the next page of `scope` (one at a time: a later POST replaces it) and redirects there. */
export async function redirectWithNotice(
  ctx: Context,
  transient: TransientStore,
  place: { scope: string; accountId: string | undefined; ttlSeconds?: number },
  to: string,
  notice: PageNotice,
): Promise<void> {
  const kept: KeptNotice = { ...notice, accountId: place.accountId ?? null };
  await transient.set(noticeKey(place.scope), JSON.stringify(kept), Math.min(NOTICE_SECONDS, place.ttlSeconds ?? NOTICE_SECONDS));
  redirectAfterPost(ctx, `${to}${to.includes('?') ? '&' : '?'}${NOTICE_PARAM}=1`);
}

/** A 303: the browser follows with a GET, and that GET is what Refresh and Back repeat. */
export function redirectAfterPost(ctx: Context, to: string): void {
  ctx.status = 303;
  ctx.redirect(to);
}

/**
 * The notice left for this page of `scope`, spent on reading (a refresh shows the page without
 * it); undefined unless the request carries the redirect's hint, the notice names this page and
 * it was left for this account.
 */
export async function takeNotice(ctx: Context, transient: TransientStore, place: { scope: string; accountId: string | undefined }, page: string): Promise<PageNotice | undefined> {
  if (ctx.query[NOTICE_PARAM] === undefined) return undefined;
  const raw = await transient.take(noticeKey(place.scope));
  if (!raw) return undefined;
  const { accountId, ...notice } = JSON.parse(raw) as KeptNotice;
  return notice.page === page && accountId === (place.accountId ?? null) ? notice : undefined;
}
