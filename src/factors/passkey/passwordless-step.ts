import type Router from '@koa/router';
import type { PluginPaths } from '../../http/plugin-paths.ts';
import type { Context } from 'koa';
import { requestFields, type Audit } from '../../audit/audit.ts';
import { AppError, assertThat } from '../../errors.ts';
import type { LoginThrottle } from '../../guard/login-throttle.ts';
import type { Logger } from '../../log.ts';
import type { UserDirectory } from '../../plugin/user-directory.ts';
import { finishInteraction, readInteractionForm, type InteractionDetails, type InteractionFormDeps } from '../../sign-in/interaction-io.ts';
import { passwordAlreadyPassed, signInUnderWay, type SecondFactorStateDeps } from '../../sign-in/second-factor-state.ts';
import { passkeyAcrOf, passkeyAmrOf } from './passkey-acr.ts';
import { authenticationResponseOf } from './passkey-response.ts';
import type { Passkeys } from './passkeys.ts';
import { t } from '../../i18n/translate.ts';

export interface PasswordlessDeps extends InteractionFormDeps, Pick<SecondFactorStateDeps, 'transient'> {
  passkeys: Passkeys;
  directory: UserDirectory;
  throttle: LoginThrottle;
  audit: Audit;
  log: Logger;
}

const scopeOf = (details: InteractionDetails) => `sign-in:${details.uid}`;

/** Where the sign-in page's "Sign in with a passkey" form posts, and where its script asks for options. */
export function passwordlessActions(paths: PluginPaths, uid: string) {
  const base = paths.to(`/interaction/${uid}`);
  return { action: `${base}/passkey-sign-in`, optionsAction: `${base}/passkey-sign-in/options` };
}

/**
 * "Sign in with a passkey" on the sign-in page (issue 11): a discoverable credential with user
 * verification is a complete multi-factor sign-in, no password (acr `phr`, amr pop, user, mfa).
 * The options are fetched only when the button is pressed (no store write per page view); the
 * challenge is bound to this interaction and spent on first use; the user handle names the
 * account, whose own passkeys must hold the credential. Only while the sign-in is at the password
 * step and no password has passed in it: one interaction, one account.
 */
export function addPasswordlessRoutes(router: Router, deps: PasswordlessDeps): void {
  const atPasswordStep = async (details: InteractionDetails) => {
    assertThat(details.prompt.name === 'login', 'WRONG_STEP');
    if (passwordAlreadyPassed(details)) throw signInUnderWay(details.uid);
  };

  router.post('/interaction/:uid/passkey-sign-in/options', async (ctx) => {
    const { details } = await readInteractionForm(ctx, deps);
    await atPasswordStep(details);
    ctx.set('cache-control', 'no-store');
    ctx.body = await deps.passkeys.discoverableOptions(scopeOf(details));
  });

  router.post('/interaction/:uid/passkey-sign-in', async (ctx: Context) => {
    const { details, form } = await readInteractionForm(ctx, deps);
    await atPasswordStep(details);
    // A failure is an error page whose link leads back to this sign-in (a new challenge there).
    const back = { link: { href: `/interaction/${details.uid}`, text: t('ways.backToSignIn') } };
    const response = authenticationResponseOf(form.response);
    if (!response) throw new AppError('PASSKEY_RESPONSE_REQUIRED', back);
    // Failures count against the address as wrong passwords do (OWASP ASVS 5.0 V6): a signature
    // cannot be guessed, but every answer costs a verification and a store read.
    const address = await deps.throttle.addressAttempt(ctx.ip);
    if (address.gate === 'ip-locked') throw new AppError('TOO_MANY_ATTEMPTS', back);
    const signedIn = await deps.passkeys.authenticateDiscoverable(scopeOf(details), response);
    // An account removed since its passkey was made signs in no more.
    const account = signedIn && (await deps.directory.findById(signedIn.accountId));
    const clientId = String(details.params.client_id);
    if (!signedIn || !account) {
      await address.failed();
      deps.log.info('login.passkey_failed', { clientId, ip: ctx.ip });
      if (signedIn) deps.audit({ event: 'mfa.challenge.failed', accountId: signedIn.accountId, clientId, ...requestFields(ctx), details: { method: 'passkey', passwordless: true } });
      throw new AppError('PASSKEY_FAILED', back);
    }
    deps.audit({ event: 'mfa.challenge.passed', accountId: signedIn.accountId, clientId, ...requestFields(ctx), details: { method: 'passkey', passwordless: true } });
    await finishInteraction(ctx, deps, details, {
      login: { accountId: signedIn.accountId, acr: passkeyAcrOf(details, signedIn.use.hardwareBound), amr: [...passkeyAmrOf(signedIn.use.hardwareBound, false)], remember: true },
    }, false);
  });
}
