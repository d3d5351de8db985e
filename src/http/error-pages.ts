import type { Context, Middleware } from 'koa';
import { AppError, ERRORS, errorMessage, type ErrorCode } from '../errors.ts';
import { t } from '../i18n/translate.ts';
import { describeError, type Logger } from '../log.ts';
import { isStoreUnavailable } from '../store/store-errors.ts';
import { errorTitle } from './error-titles.ts';
import { answerStoreUnavailable } from './store-unavailable.ts';
import type { RenderPage } from './views.ts';
import type { PluginPaths } from './plugin-paths.ts';
import { backToApp, distinctWays, ownWay, SECURITY_PAGE_PATH, securityPageWay, supportWays, tryAgain, type SupportContact, type WayOn } from './ways-on.ts';

/** Maps anything thrown to a stable code; unknown errors become INTERNAL (logged, never shown). */
export function toErrorCode(error: unknown): ErrorCode {
  if (error instanceof AppError) return error.code;
  if (isStoreUnavailable(error)) return 'STORE_UNAVAILABLE';
  const name = (error as { name?: string } | null)?.name;
  // oidc-provider: the interaction cookie or record is gone (expired, finished, or never ours).
  if (name === 'SessionNotFound') return 'INTERACTION_EXPIRED';
  const status = (error as { status?: number; expose?: boolean } | null)?.status;
  if (status === 413) return 'BODY_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  // @koa/router's allowedMethods answers an unknown method (PROPFIND, LINK…) with 501.
  if (status === 405 || status === 501) return 'METHOD_NOT_ALLOWED';
  if (status === 404) return 'NOT_FOUND';
  return 'INTERNAL';
}

/**
 * The page (or JSON) for a stable code: the status, a heading that says what happened, the
 * message that says what to do, `ways` on from here, and the code in small print for support.
 */
export function sendError(ctx: Context, code: ErrorCode, render: RenderPage, paths: PluginPaths, ways: WayOn[] = []): void {
  const json = ctx.accepts('html', 'json') === 'json';
  if (code === 'STORE_UNAVAILABLE') return answerStoreUnavailable(ctx, json ? { json: true } : { page: render, paths, ways });
  const { status } = ERRORS[code];
  // In the request's language, JSON included: passkey.js shows error_description to the person.
  const message = errorMessage(code);
  ctx.status = status;
  ctx.set('cache-control', 'no-store');
  if (json) {
    ctx.body = { error: code, error_description: message };
    return;
  }
  ctx.type = 'html';
  ctx.body = render('error', { title: errorTitle(code, status), code, message, ways });
}

/** The sign-in this browser was in when the error happened, as interaction-io.ts recorded it once the interaction was its own. */
export interface SignInInProgress {
  uid: string;
  clientId: string;
}

export interface ErrorPagesOptions {
  /** Where the pages are mounted: our own links on an error page carry the prefix. */
  paths: PluginPaths;
  support?: SupportContact;
  /** The registered home of a client (oidc/client-home.ts), for "Back to <app>". */
  appHome?: (clientId: string) => Promise<{ name: string; href: string } | undefined>;
}

/** Interactions whose state is gone: returning to them would only show this page again. */
const SIGN_IN_OVER: ReadonlySet<ErrorCode> = new Set(['INTERACTION_EXPIRED', 'SIGN_IN_UNDER_WAY']);

/**
 * Where a person stuck on this error can go: the thrower's own link first, then back into the
 * sign-in they were in (when it is still theirs and not the page that failed), back to its app,
 * "Try again" after a failure on our side, and the operator's support. Never a dead end: with
 * nothing else, the Security page.
 */
async function waysOn(ctx: Context, code: ErrorCode, error: unknown, options: ErrorPagesOptions): Promise<WayOn[]> {
  const signIn = ctx.state.signInInProgress as SignInInProgress | undefined;
  const ways: (WayOn | undefined)[] = [];
  const { paths } = options;
  // An AppError's link is one of our pages, written inside the mount like the others here.
  if (error instanceof AppError && error.link) ways.push(ownWay(paths, error.link));
  if (signIn && !SIGN_IN_OVER.has(code)) {
    const page = `/interaction/${signIn.uid}`;
    if (ctx.method !== 'GET' || ctx.path !== page) ways.push(ownWay(paths, { href: page, text: t('ways.returnToSignIn') }));
  }
  if (ERRORS[code].status >= 500) ways.push(ownWay(paths, tryAgain(ctx)));
  const app = signIn && (await options.appHome?.(signIn.clientId).catch(() => undefined));
  if (app) ways.push(backToApp(app));
  const found = distinctWays(ways);
  if (found.length === 0 && ctx.path !== SECURITY_PAGE_PATH) found.push(ownWay(paths, securityPageWay()));
  return distinctWays([...found, ...supportWays(options.support)]);
}

/** The outermost middleware: every failure becomes a clear page (or JSON) with a 4xx/5xx status. */
export function errorPages(render: RenderPage, log: Logger, options: ErrorPagesOptions): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) sendError(ctx, 'NOT_FOUND', render, options.paths, await waysOn(ctx, 'NOT_FOUND', undefined, options));
    } catch (error) {
      const code = toErrorCode(error);
      if (code === 'INTERNAL' || code === 'STORE_UNAVAILABLE') {
        log.error('request.failed', { code, method: ctx.method, path: ctx.path, ...describeError(error) });
      }
      sendError(ctx, code, render, options.paths, await waysOn(ctx, code, error, options));
    }
  };
}
