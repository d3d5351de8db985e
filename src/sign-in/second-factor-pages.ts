import { sendHtmlPage } from '../http/html-page.ts';
import type { Context } from 'koa';
import { errorMessage, type ErrorCode } from '../errors.ts';
import type { MfaSettings } from '../config/settings-schema.ts';
import type { SmsTiming } from '../factors/sms/sms-timing.ts';
import type { Csrf } from '../http/csrf.ts';
import type { RenderPage } from '../http/views.ts';
import { actionsFor, csrfScope, type InteractionDetails, type PathsPart } from './interaction-io.ts';

/** What a second-factor page of an interaction is made of. */
export interface SecondFactorPageDeps extends PathsPart {
  csrf: Csrf;
  render: RenderPage;
  settings: MfaSettings;
  smsTiming: SmsTiming;
}

/** The model every second-factor page of an interaction shares: its form targets and CSRF token. */
export function secondFactorModel(deps: Omit<SecondFactorPageDeps, 'render'>, details: InteractionDetails, problem?: ErrorCode) {
  return {
    actions: actionsFor(deps.paths, details),
    csrf: deps.csrf.tokenFor(csrfScope(details)),
    error: problem ? errorMessage(problem) : undefined,
    errorCode: problem,
    trustDays: deps.settings.trustedDeviceDays,
    ...deps.smsTiming,
    support: { url: deps.settings.supportUrl, email: deps.settings.supportEmail },
  };
}

export function sendPage(ctx: Context, deps: Pick<SecondFactorPageDeps, 'render'>, template: string, model: { title: string; [key: string]: unknown }, problem?: ErrorCode): void {
  sendHtmlPage(ctx, deps.render, template, model, problem);
}
