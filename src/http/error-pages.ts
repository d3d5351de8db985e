import type { Context, Middleware } from 'koa';
import { AppError, ERRORS, type ErrorCode } from '../errors.ts';
import { describeError, type Logger } from '../log.ts';
import { isStoreUnavailable } from '../store/store-errors.ts';
import { answerStoreUnavailable } from './store-unavailable.ts';
import type { RenderPage } from './views.ts';

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

export function sendError(ctx: Context, code: ErrorCode, render: RenderPage, link?: { href: string; text: string }): void {
  const json = ctx.accepts('html', 'json') === 'json';
  if (code === 'STORE_UNAVAILABLE') return answerStoreUnavailable(ctx, json ? { json: true } : { page: render });
  const { status, message } = ERRORS[code];
  ctx.status = status;
  ctx.set('cache-control', 'no-store');
  if (json) {
    ctx.body = { error: code, error_description: message };
    return;
  }
  ctx.type = 'html';
  ctx.body = render('error', { title: status >= 500 ? 'Something went wrong' : 'We could not do that', code, message, link });
}

/** The outermost middleware: every failure becomes a clear page (or JSON) with a 4xx/5xx status. */
export function errorPages(render: RenderPage, log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) sendError(ctx, 'NOT_FOUND', render);
    } catch (error) {
      const code = toErrorCode(error);
      if (code === 'INTERNAL' || code === 'STORE_UNAVAILABLE') {
        log.error('request.failed', { code, method: ctx.method, path: ctx.path, ...describeError(error) });
      }
      sendError(ctx, code, render, error instanceof AppError ? error.link : undefined);
    }
  };
}
