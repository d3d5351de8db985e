import { sendHtmlPage } from '../http/html-page.ts';
import type { Context } from 'koa';
import { AppError, assertThat, type ErrorCode } from '../errors.ts';
import { assertSameOrigin } from '../http/origin-check.ts';
import { readForm } from '../http/read-form.ts';
import type { Csrf } from '../http/csrf.ts';
import type { PluginPaths } from '../http/plugin-paths.ts';
import type { RenderPage } from '../http/views.ts';
import type { SmsTiming } from '../factors/sms/sms-timing.ts';
import { loadConsoleSession, signInUrl, type ConsoleSession, type ConsoleSessionDeps } from './console-session.ts';

/** A Security page: its session, its forms (origin, size, CSRF) and its rendering. */
export interface ConsolePageDeps extends ConsoleSessionDeps {
  csrf: Csrf;
  render: RenderPage;
  paths: PluginPaths;
  issuerOrigin: string;
  bodyLimitBytes: number;
  smsTiming: SmsTiming;
}

/**
 * The console session for a page, or a redirect to sign in (undefined then: the caller stops).
 * `fresh` pages send a stale session through re-authentication first and come back.
 */
export async function pageSession(ctx: Context, deps: ConsolePageDeps, options: { fresh: boolean }): Promise<ConsoleSession | undefined> {
  const session = await loadConsoleSession(ctx, deps);
  if (!session || (options.fresh && !session.fresh)) {
    ctx.redirect(signInUrl(deps.paths, ctx.path, Boolean(session)));
    return undefined;
  }
  return session;
}

/**
 * A console POST: same origin, signed in, CSRF token of this session, and for sensitive
 * changes a recent re-authentication. Anything else is refused and changes nothing.
 */
export async function formSession(ctx: Context, deps: ConsolePageDeps, options: { fresh: boolean }): Promise<{ session: ConsoleSession; form: Record<string, string> }> {
  assertSameOrigin(ctx, deps.issuerOrigin);
  const session = await loadConsoleSession(ctx, deps);
  if (!session) throw new AppError('NOT_SIGNED_IN');
  const form = await readForm(ctx, deps.bodyLimitBytes);
  assertThat(deps.csrf.verify(session.csrfScope, form.csrf ?? ''), 'CSRF_FAILED');
  if (options.fresh && !session.fresh) throw new AppError('REAUTH_REQUIRED');
  return { session, form };
}

export function renderConsole(ctx: Context, deps: ConsolePageDeps, session: ConsoleSession, template: string, model: { title: string; [key: string]: unknown }, problem?: ErrorCode): void {
  sendHtmlPage(ctx, deps.render, template, { ...model, csrf: deps.csrf.tokenFor(session.csrfScope), email: session.account.email, ...deps.smsTiming }, problem);
}
