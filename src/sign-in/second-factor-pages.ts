import type { Context } from 'koa';
import { ERRORS, type ErrorCode } from '../errors.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { actionsFor, csrfScope, type InteractionDetails } from './interaction-io.ts';

/** The model every second-factor page of an interaction shares: its form targets and CSRF token. */
export function secondFactorModel(deps: InteractionDeps, details: InteractionDetails, problem?: ErrorCode) {
  return {
    actions: actionsFor(details),
    csrf: deps.csrf.tokenFor(csrfScope(details)),
    error: problem ? ERRORS[problem].message : undefined,
    errorCode: problem,
    trustDays: deps.settings.trustedDeviceDays,
    ...deps.smsTiming,
    support: { url: deps.settings.supportUrl, email: deps.settings.supportEmail },
  };
}

export function sendPage(ctx: Context, deps: InteractionDeps, template: string, model: { title: string; [key: string]: unknown }, problem?: ErrorCode): void {
  ctx.status = problem ? ERRORS[problem].status : 200;
  ctx.type = 'html';
  ctx.body = deps.render(template, model);
}
