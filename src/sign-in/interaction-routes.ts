import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError, assertThat } from '../errors.ts';
import type { ChallengeHandler, ChallengeRoutes } from '../factors/factor.ts';
import { factorById, factorOf, FACTORS, type FactorSignInDeps, type RegisteredFactor } from '../factors/registry.ts';
import { completeSecondFactor, type CompleteSecondFactorDeps } from './complete-second-factor.ts';
import { showConsent, submitConsent, type ConsentStepDeps } from './consent-step.ts';
import { actionsFor, finishInteraction, loadInteraction, readInteractionForm, type InteractionDetails, type InteractionFormDeps } from './interaction-io.ts';
import { showLogin, submitLogin, type LoginStepDeps } from './login-step.ts';
import { passwordAlreadyPassed, signInUnderWay, subjectOf, takeFactorPassed, chosenMethod, chooseMethod, type SecondFactorStateDeps, type SecondFactorSubject } from './second-factor-state.ts';
import { showOtherWays, type OtherWaysDeps } from './other-ways-step.ts';
import { showFinishedSignIn, type FinishedSignInDeps } from './finished-sign-in.ts';
import { forgetNewBackupCode, showNewBackupCode, type NewBackupCodeDeps } from './new-backup-code-step.ts';
import { noticeFor } from './sign-in-notice.ts';
import { redirectAfterPost } from '../http/page-notice.ts';
import { toErrorCode } from '../http/error-pages.ts';
import { demandsPhishingResistance } from './phishing-resistance-demand.ts';
import { addPasswordlessRoutes } from '../factors/passkey/passwordless-step.ts';

/** The hosted sign-in: what its own steps need, and what the registered factors asked for. */
export type SignInRoutesDeps = LoginStepDeps & ConsentStepDeps & OtherWaysDeps & CompleteSecondFactorDeps & InteractionFormDeps & SecondFactorStateDeps
  & NewBackupCodeDeps & FinishedSignInDeps & FactorSignInDeps & {
  /** `host`: the host's own page asks for the password and hands over (host-hand-over.ts); the plugin's is not served. */
  passwordPage: 'plugin' | 'host';
};

/** The hosted pages of a sign-in, one route per step; each checks that its step is the current one. */
export function createInteractionRoutes(deps: SignInRoutesDeps): Router {
  const router = new Router();

  // Back to a page of a sign-in this browser finished: that page says so and leads to the app, rather than "expired".
  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (ctx.method !== 'GET' || toErrorCode(error) !== 'INTERACTION_EXPIRED' || !(await showFinishedSignIn(ctx, deps))) throw error;
    }
  });

  /** The person proving a second factor right now, with the kind of proof expected; else WRONG_STEP. */
  async function requireSubject(details: InteractionDetails, requirement: SecondFactorSubject['requirement']) {
    const subject = await subjectOf(deps, details);
    assertThat(subject && subject.requirement === requirement, 'WRONG_STEP');
    return subject;
  }

  /**
   * The subject at a challenge, and only if it has this factor: an app-only account's sign-in never
   * reaches the text-message routes (nothing is sent, nothing checked, nothing audited as "sms").
   * A method's routes answer only while this sign-in asks for that kind of method (the default,
   * or the one picked under "Try another way").
   */
  async function requireChallengeFor(details: InteractionDetails, factor: RegisteredFactor) {
    const subject = await requireSubject(details, 'challenge');
    assertThat(factor.has(await deps.mfa.status(subject.accountId)), 'WRONG_STEP');
    // A phishing-resistant sign-in (acr phr) takes a passkey, whatever method was picked; nothing else.
    if (await demandsPhishingResistance(deps, details)) {
      assertThat(factor.id === 'passkey', 'PASSKEY_REQUIRED');
      return subject;
    }
    if (factor.role === 'method') assertThat((await chosenMethod(deps, details, subject))?.type === factor.id, 'WRONG_STEP');
    return subject;
  }

  async function post(ctx: Context, handle: (details: InteractionDetails, form: Record<string, string>) => Promise<void>) {
    const { details, form } = await readInteractionForm(ctx, deps);
    await handle(details, form);
  }

  router.get('/interaction/:uid', async (ctx, next) => {
    const details = await loadInteraction(ctx, deps);
    const { name } = details.prompt;
    if (name === 'consent') return showConsent(ctx, deps, details);
    // A prompt the host added to the policy: the host's own middleware, installed after ours, answers it.
    if (name !== 'login' && name !== 'mfa') return next();
    const subject = await subjectOf(deps, details);
    if (!subject) {
      if (name === 'login' && deps.passwordPage === 'host') return next();
      // A refused password's POST left its problem (and the email typed) for this page, once.
      const notice = await noticeFor(ctx, deps, details, undefined, 'login');
      return showLogin(ctx, deps, details, notice?.problem && { code: notice.problem, email: notice.typed ?? '' });
    }
    if (subject.requirement === 'enrol') {
      // The first factor that can be set up here; its page links to the others.
      const first = FACTORS.find((factor) => factor.enrolAtSignIn?.available(deps));
      assertThat(first?.enrolAtSignIn, 'WRONG_STEP');
      return first.enrolAtSignIn.show(ctx, deps, details, subject);
    }
    const method = await chosenMethod(deps, details, subject);
    const factor = (await demandsPhishingResistance(deps, details)) ? factorById('passkey') : method && factorOf(method);
    assertThat(factor?.showChallenge, 'WRONG_STEP');
    return factor.showChallenge(ctx, deps, details, subject);
  });

  // "Try another way": the account's other methods and the backup code; picking one makes this sign-in ask for it.
  router.get('/interaction/:uid/other-ways', async (ctx) => {
    const details = await loadInteraction(ctx, deps);
    await showOtherWays(ctx, deps, details, await requireSubject(details, 'challenge'));
  });

  router.post('/interaction/:uid/other-ways', (ctx) => post(ctx, async (details, form) => {
    const subject = await requireSubject(details, 'challenge');
    const { methods } = await deps.mfa.status(subject.accountId);
    const picked = methods.find((method) => method.id === form.method);
    assertThat(picked, 'METHOD_NOT_FOUND');
    await chooseMethod(details, subject, picked.id);
    redirectAfterPost(ctx, actionsFor(deps.paths, details).page);
  }));

  if (deps.passwordPage === 'plugin') {
    // "Sign in with a passkey" sits on the plugin's own password page.
    addPasswordlessRoutes(router, deps);
    router.post('/interaction/:uid/login', (ctx) => post(ctx, async (details, form) => {
      assertThat(details.prompt.name === 'login', 'WRONG_STEP');
      // Once a password passed here, the interaction belongs to that account: another is refused, not swapped in.
      if (passwordAlreadyPassed(details)) throw signInUnderWay(details.uid);
      await submitLogin(ctx, deps, details, form);
    }));
  }

  /** Where a factor adds its routes under /interaction/:uid/: each handler gets the subject only once `guard` let it through. */
  const guardedRoutes = (guard: (details: InteractionDetails) => Promise<SecondFactorSubject>): ChallengeRoutes => ({
    get(path: string, handler: ChallengeHandler) {
      router.get(`/interaction/:uid/${path}`, async (ctx) => {
        const details = await loadInteraction(ctx, deps);
        await handler(ctx, details, await guard(details), {});
      });
    },
    post(path: string, handler: ChallengeHandler) {
      router.post(`/interaction/:uid/${path}`, (ctx) => post(ctx, async (details, form) => {
        await handler(ctx, details, await guard(details), form);
      }));
    },
  });

  // Each factor's own challenge routes, from the registry; every one checks the subject has that factor.
  for (const factor of FACTORS) factor.addChallengeRoutes(guardedRoutes((details) => requireChallengeFor(details, factor)), deps);

  // Each factor's routes for setting it up during the sign-in, for a subject that must enrol.
  for (const factor of FACTORS) {
    if (factor.enrolAtSignIn?.available(deps)) factor.enrolAtSignIn.addRoutes(guardedRoutes((details) => requireSubject(details, 'enrol')), deps);
  }

  // The new backup code of this sign-in (a code spent, a method set up), shown until "I've saved it".
  router.get('/interaction/:uid/new-backup-code', async (ctx) => {
    const details = await loadInteraction(ctx, deps);
    const subject = await subjectOf(deps, details);
    assertThat(subject, 'WRONG_STEP');
    await showNewBackupCode(ctx, deps, details, subject);
  });

  // "I've saved it" after a new backup code was shown: the factor this subject already passed in this interaction.
  router.post('/interaction/:uid/continue', (ctx) => post(ctx, async (details) => {
    const subject = await subjectOf(deps, details);
    const passed = subject && (await takeFactorPassed(deps, details.uid, subject));
    assertThat(passed, 'WRONG_STEP');
    await forgetNewBackupCode(deps, details, passed.subject);
    await completeSecondFactor(ctx, deps, details, passed.subject, passed);
  }));

  router.post('/interaction/:uid/consent', (ctx) => post(ctx, async (details) => {
    assertThat(details.prompt.name === 'consent' && details.session?.accountId, 'WRONG_STEP');
    await submitConsent(ctx, deps, details);
  }));

  // Cancel: the relying app receives access_denied (RFC 6749 §4.1.2.1).
  router.post('/interaction/:uid/abort', (ctx) => post(ctx, async (details) => {
    await finishInteraction(ctx, deps, details, { error: 'access_denied', error_description: 'The person cancelled the sign-in' }, false);
  }));

  return router;
}
