import type { Context } from 'koa';
import { redirectWithNotice, takeNotice, type PageNotice } from '../http/page-notice.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';
import { actionsFor, lifetimeOf, type InteractionDetails, type PathsPart } from './interaction-io.ts';
import { subjectScope, type SecondFactorSubject } from './second-factor-state.ts';

/**
 * Where a sign-in's notices live: the interaction and, once a password passed, its account
 * (subjectScope), like everything else of an unfinished sign-in. Before the password there is
 * no account yet: the interaction alone, which oidc-provider binds to this browser's cookie.
 */
function placeOf(details: InteractionDetails, subject: Pick<SecondFactorSubject, 'accountId'> | undefined) {
  return {
    scope: subject ? subjectScope(details.uid, subject) : `${details.uid}:before-password`,
    accountId: subject?.accountId,
    ttlSeconds: lifetimeOf(details),
  };
}

/**
 * Answers a sign-in POST with a 303 to one of this interaction's pages (the current step by
 * default), leaving it `notice` to show once.
 */
export function tellPage(
  ctx: Context,
  deps: { transient: TransientStore } & PathsPart,
  details: InteractionDetails,
  subject: Pick<SecondFactorSubject, 'accountId'> | undefined,
  notice: PageNotice,
  to: string = actionsFor(deps.paths, details).page,
): Promise<void> {
  return redirectWithNotice(ctx, deps.transient, placeOf(details, subject), to, notice);
}

/** The notice a POST of this sign-in left for `page`, once. */
export function noticeFor(
  ctx: Context,
  deps: { transient: TransientStore },
  details: InteractionDetails,
  subject: Pick<SecondFactorSubject, 'accountId'> | undefined,
  page: string,
): Promise<PageNotice | undefined> {
  return takeNotice(ctx, deps.transient, placeOf(details, subject), page);
}
