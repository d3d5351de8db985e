import type { Context } from 'koa';
import { redirectWithNotice, takeNotice, type PageNotice } from '../http/page-notice.ts';
import type { PluginPaths } from '../http/plugin-paths.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';
import type { ConsoleSession } from './console-session.ts';

/** A Security page's notices: this browser's provider session AND its account (page-notice.ts). */
const placeOf = (session: ConsoleSession) => ({ scope: `${session.csrfScope}:${session.accountId}`, accountId: session.accountId });

/** Answers a Security page POST with a 303 to `to` (a path inside the mount), leaving it `notice` to show once. */
export function tellConsolePage(ctx: Context, deps: { transient: TransientStore; paths: PluginPaths }, session: ConsoleSession, to: string, notice: PageNotice): Promise<void> {
  return redirectWithNotice(ctx, deps.transient, placeOf(session), deps.paths.to(to), notice);
}

/** The notice a POST of this session left for `page`, once. */
export function consoleNotice(ctx: Context, deps: { transient: TransientStore }, session: ConsoleSession, page: string): Promise<PageNotice | undefined> {
  return takeNotice(ctx, deps.transient, placeOf(session), page);
}
