import type { Context } from 'koa';
import { MAX_EMAIL_LENGTH, normalizeEmail } from '../accounts/normalize-email.ts';
import { MAX_PASSWORD_LENGTH, passwordLength } from '../accounts/password-policy.ts';
import { verifyAgainstDummy } from '../crypto/password-hash.ts';
import { AppError, ERRORS, type ErrorCode } from '../errors.ts';
import { readLoginDeviceCookie, writeLoginDeviceCookie } from '../guard/login-device-cookie.ts';
import { acrRequestOf } from '../oidc/acr-request.ts';
import { ACR, AMR } from '../oidc/acr.ts';
import type { LoginThrottle } from '../guard/login-throttle.ts';
import type { Logger } from '../log.ts';
import type { UserDirectory } from '../plugin/user-directory.ts';
import { rememberPasswordPassed, type SecondFactorStateDeps } from './second-factor-state.ts';
import { skipWithTrustedDevice, type RememberedDeviceDeps } from './remembered-device.ts';
import { actionsFor, clientNameOf, csrfScope, finishInteraction, type InteractionDetails, type InteractionPageDeps } from './interaction-io.ts';
import type { RequirementFor } from './requirement-for.ts';

/** The password step: the throttle, the directory, the one decision, then the kept subject or a trusted device. */
export interface LoginStepDeps extends InteractionPageDeps, RememberedDeviceDeps, Pick<SecondFactorStateDeps, 'transient'> {
  directory: UserDirectory;
  throttle: LoginThrottle;
  requirementFor: RequirementFor;
  log: Logger;
}

export async function showLogin(ctx: Context, deps: InteractionPageDeps, details: InteractionDetails, problem?: { code: ErrorCode; email: string }) {
  const actions = actionsFor(details);
  ctx.status = problem ? ERRORS[problem.code].status : 200;
  ctx.type = 'html';
  const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
  ctx.body = deps.render('login', {
    title: 'Sign in',
    client: await clientNameOf(deps, details),
    action: actions.login,
    abortAction: actions.abort,
    csrf: deps.csrf.tokenFor(csrfScope(details)),
    email: (problem ? problem.email : hint).slice(0, MAX_EMAIL_LENGTH),
    error: problem ? ERRORS[problem.code].message : undefined,
    errorCode: problem?.code,
  });
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
  if (problem) return showLogin(ctx, deps, details, { code: problem, email: problem === 'EMAIL_TOO_LONG' ? '' : email });

  const login = normalizeEmail(email);
  const { gate, ...outcome } = await deps.throttle.attempt(login, ctx.ip, readLoginDeviceCookie(ctx));
  if (gate === 'ip-locked') return showLogin(ctx, deps, details, { code: 'TOO_MANY_ATTEMPTS', email });

  const accountId = gate === 'open'
    ? await deps.directory.authenticate(email, password)
    : await verifyAgainstDummy(password).then(() => undefined);
  if (!accountId) {
    await outcome.failed();
    deps.log.info('login.failed', { clientId: details.params.client_id, ip: ctx.ip, locked: gate === 'account-locked' });
    return showLogin(ctx, deps, details, { code: 'INVALID_CREDENTIALS', email });
  }

  writeLoginDeviceCookie(ctx, await outcome.succeeded());
  deps.log.info('login.password_ok', { accountId, clientId: details.params.client_id, ip: ctx.ip });
  const client = await deps.provider.Client.find(String(details.params.client_id));
  const requirement = await deps.requirementFor({
    accountId,
    client: client as unknown as Record<string, unknown>,
    acrRequest: acrRequestOf(details.params.acr_values, details.params.claims),
    amr: AMR.password,
  });
  if (requirement === 'setup-first') throw new AppError('MFA_SET_UP_FIRST', { link: { href: '/account/security', text: 'Open the Security page' } });
  if (requirement === 'none') {
    await finishInteraction(ctx, deps, { login: { accountId, acr: ACR.password, amr: [...AMR.password], remember: true } }, false);
    return;
  }
  if (requirement === 'challenge' && (await skipWithTrustedDevice(ctx, deps, details, accountId, client as unknown as Record<string, unknown>))) return;
  // Not finished yet: a session must never hold this account after the password alone.
  await rememberPasswordPassed(deps, details, accountId, requirement);
  ctx.status = 303;
  ctx.redirect(actionsFor(details).page);
}
