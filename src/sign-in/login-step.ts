import type { Context } from 'koa';
import { MAX_EMAIL_LENGTH, normalizeEmail } from '../accounts/normalize-email.ts';
import { MAX_PASSWORD_LENGTH, passwordLength } from '../accounts/password-policy.ts';
import { verifyAgainstDummy } from '../crypto/password-hash.ts';
import { ERRORS, errorMessage, type ErrorCode } from '../errors.ts';
import { readLoginDeviceCookie, writeLoginDeviceCookie } from '../guard/login-device-cookie.ts';
import type { LoginThrottle } from '../guard/login-throttle.ts';
import type { Logger } from '../log.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';
import type { UserDirectory } from '../plugin/user-directory.ts';
import { passwordlessActions } from '../factors/passkey/passwordless-step.ts';
import { continueAfterPassword, type AfterPasswordDeps } from './after-password.ts';
import { actionsFor, clientNameOf, csrfScope, type InteractionDetails, type InteractionPageDeps } from './interaction-io.ts';
import { tellPage } from './sign-in-notice.ts';
import { t } from '../i18n/translate.ts';

/** The password step: the throttle and the directory, then what follows a right password. */
export interface LoginStepDeps extends InteractionPageDeps, AfterPasswordDeps {
  /** Where a refused password's problem waits for the sign-in page (sign-in-notice.ts). */
  transient: TransientStore;
  directory: UserDirectory;
  throttle: LoginThrottle;
  log: Logger;
}

export async function showLogin(ctx: Context, deps: InteractionPageDeps, details: InteractionDetails, problem?: { code: ErrorCode; email: string }) {
  const actions = actionsFor(deps.paths, details);
  ctx.status = problem ? ERRORS[problem.code].status : 200;
  ctx.type = 'html';
  const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
  ctx.body = deps.render('login', {
    title: t('signIn.title'),
    client: await clientNameOf(deps, details),
    action: actions.login,
    abortAction: actions.abort,
    csrf: deps.csrf.tokenFor(csrfScope(details)),
    email: (problem ? problem.email : hint).slice(0, MAX_EMAIL_LENGTH),
    error: problem ? errorMessage(problem.code) : undefined,
    errorCode: problem?.code,
    passkeySignIn: passwordlessActions(deps.paths, details.uid),
    forgotPasswordHref: deps.forgotPasswordHref,
  });
}

/**
 * A refused password step goes back to the sign-in page through a 303 (Post/Redirect/Get), so
 * Refresh there never sends the password again (another failure counted). The problem and the
 * email typed wait for that page, bound to this interaction (no account is known yet).
 */
function backToSignIn(ctx: Context, deps: LoginStepDeps, details: InteractionDetails, code: ErrorCode, email: string): Promise<void> {
  return tellPage(ctx, deps, details, undefined, { page: 'login', problem: code, typed: email.slice(0, MAX_EMAIL_LENGTH) });
}

/** Checks that need no account lookup: answered at once, and not counted as a failed sign-in. */
function formProblem(email: string, password: string): ErrorCode | undefined {
  if (!email.trim()) return 'EMAIL_REQUIRED';
  if (email.length > MAX_EMAIL_LENGTH) return 'EMAIL_TOO_LONG';
  if (!password) return 'PASSWORD_REQUIRED';
  if (passwordLength(password) > MAX_PASSWORD_LENGTH) return 'PASSWORD_TOO_LONG';
  return undefined;
}

/**
 * The password step. An unknown email, a wrong password and a locked account give the same
 * status, page and (through the dummy hash) time: nothing tells which it was.
 */
export async function submitLogin(ctx: Context, deps: LoginStepDeps, details: InteractionDetails, form: Record<string, string>) {
  const email = form.email ?? '';
  const password = form.password ?? '';
  const problem = formProblem(email, password);
  if (problem) return backToSignIn(ctx, deps, details, problem, problem === 'EMAIL_TOO_LONG' ? '' : email);

  const login = normalizeEmail(email);
  const { gate, ...outcome } = await deps.throttle.attempt(login, ctx.ip, readLoginDeviceCookie(ctx));
  if (gate === 'ip-locked') return backToSignIn(ctx, deps, details, 'TOO_MANY_ATTEMPTS', email);

  const accountId = gate === 'open'
    ? await deps.directory.authenticate(email, password)
    : await verifyAgainstDummy(password).then(() => undefined);
  if (!accountId) {
    await outcome.failed();
    deps.log.info('login.failed', { clientId: details.params.client_id, ip: ctx.ip, locked: gate === 'account-locked' });
    return backToSignIn(ctx, deps, details, 'INVALID_CREDENTIALS', email);
  }

  writeLoginDeviceCookie(ctx, await outcome.succeeded());
  deps.log.info('login.password_ok', { accountId, clientId: details.params.client_id, ip: ctx.ip });
  await continueAfterPassword(ctx, deps, details, accountId);
}
