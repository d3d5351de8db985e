import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { assertThat } from '../errors.ts';
import type { SignInInProgress } from '../http/error-pages.ts';
import { assertSameOrigin } from '../http/origin-check.ts';
import { field, readForm } from '../http/read-form.ts';
import type { Csrf } from '../http/csrf.ts';
import type { PluginPaths } from '../http/plugin-paths.ts';
import type { RenderPage } from '../http/views.ts';
import { rememberFinished } from './finished-sign-in.ts';
import type { InteractionDetails } from './interaction-details.ts';
import { followSignIn } from '../i18n/request-language.ts';

/** Reading, finishing and naming an interaction: oidc-provider itself. */
export interface ProviderPart {
  provider: Provider;
}

/** Where the pages are mounted: every address handed to the browser carries the prefix. */
export interface PathsPart {
  paths: PluginPaths;
}

/** A POST of an interaction also needs the issuer's origin, the body limit, the CSRF check, and where its answer redirects to. */
export interface InteractionFormDeps extends ProviderPart, PathsPart {
  csrf: Csrf;
  issuerOrigin: string;
  bodyLimitBytes: number;
}

/** A page of an interaction: rendered, with the interaction's CSRF token and its forms' addresses. */
export interface InteractionPageDeps extends ProviderPart, PathsPart {
  render: RenderPage;
  csrf: Csrf;
  /** "Forgot password?" on the sign-in page; not shown when undefined. */
  forgotPasswordHref?: string | undefined;
}

export type { InteractionDetails } from './interaction-details.ts';

/** The interaction this browser is in; it must be the one the URL names (oidc-provider binds it to a cookie). */
export async function loadInteraction(ctx: Context, deps: ProviderPart): Promise<InteractionDetails> {
  const details = await deps.provider.interactionDetails(ctx.req, ctx.res);
  assertThat(details.uid === ctx.params.uid, 'INTERACTION_EXPIRED');
  // Now known to be this browser's: an error page further on may lead back into it, or to its app (error-pages.ts).
  ctx.state.signInInProgress = { uid: details.uid, clientId: String(details.params.client_id) } satisfies SignInInProgress;
  // The app's ui_locales, kept in the interaction's params, speak for every page of this sign-in (i18n/request-language.ts).
  followSignIn(details.params.ui_locales, details.uid, `/interaction/${details.uid}`);
  return details;
}

/**
 * How long this interaction still lives (oidc-provider's own `exp`): what is kept for its
 * unfinished sign-in lives exactly that long, never on a TTL of its own.
 */
export function lifetimeOf(details: InteractionDetails): number {
  return Math.max(1, details.exp - Math.floor(Date.now() / 1000));
}

export function csrfScope(details: InteractionDetails): string {
  return `interaction:${details.uid}`;
}

/** A POST of this interaction: same origin, a readable form, and this interaction's CSRF token. */
export async function readInteractionForm(ctx: Context, deps: InteractionFormDeps): Promise<{ details: InteractionDetails; form: Record<string, string> }> {
  assertSameOrigin(ctx, deps.issuerOrigin);
  const details = await loadInteraction(ctx, deps);
  const form = await readForm(ctx, deps.bodyLimitBytes);
  assertThat(deps.csrf.verify(csrfScope(details), field(form, 'csrf')), 'CSRF_FAILED');
  return { details, form };
}

/**
 * Hands the result to oidc-provider and sends the browser back to its resume URL (303: the next
 * request is a GET). This interaction's pages remember it ended, for the Back button.
 */
export async function finishInteraction(ctx: Context, deps: ProviderPart & PathsPart, details: InteractionDetails, result: InteractionResults, mergeWithLastSubmission: boolean): Promise<void> {
  const url = await deps.provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
  rememberFinished(ctx, deps.paths, details, 'error' in result ? 'cancelled' : 'done');
  ctx.status = 303;
  ctx.redirect(url);
}

export async function clientNameOf(deps: ProviderPart, details: InteractionDetails): Promise<string> {
  const clientId = String(details.params.client_id);
  const client = await deps.provider.Client.find(clientId);
  return client?.clientName ?? clientId;
}

/** The addresses of this interaction's pages and forms, as the browser asks for them (mount prefix included). */
export function actionsFor(paths: PluginPaths, details: InteractionDetails) {
  const base = paths.to(`/interaction/${details.uid}`);
  return {
    page: base,
    login: `${base}/login`,
    consent: `${base}/consent`,
    abort: `${base}/abort`,
    totp: `${base}/totp`,
    sms: `${base}/sms`,
    smsSend: `${base}/sms/send`,
    backupCode: `${base}/backup-code`,
    enrol: `${base}/enrol`,
    enrolSms: `${base}/enrol/sms`,
    enrolSmsVerify: `${base}/enrol/sms/verify`,
    continue: `${base}/continue`,
    newBackupCode: `${base}/new-backup-code`,
    otherWays: `${base}/other-ways`,
  };
}
