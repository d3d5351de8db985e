import { ERRORS, errorMessage, type ErrorCode } from '../errors.ts';
import type { Context } from 'koa';
import type { RenderPage } from './views.ts';

/**
 * One of our HTML pages: with a problem, that code's 4xx status and its message (in the request's
 * language) for the template's error summary; without, 200. Never cached: every page of ours
 * shows someone's own state.
 */
export function sendHtmlPage(ctx: Context, render: RenderPage, template: string, model: { title: string; [key: string]: unknown }, problem?: ErrorCode): void {
  ctx.status = problem ? ERRORS[problem].status : 200;
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = render(template, problem ? { ...model, error: errorMessage(problem), errorCode: problem } : model);
}
