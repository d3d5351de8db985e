import Router from '@koa/router';
import { AppError } from '../errors.ts';
import { showConsent, submitConsent } from './consent-step.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import { finishInteraction, loadInteraction, readInteractionForm } from './interaction-io.ts';
import { showLogin, submitLogin } from './login-step.ts';

/** The hosted pages of a sign-in, one route per step; each checks that its step is the current one. */
export function createInteractionRoutes(deps: InteractionDeps): Router {
  const router = new Router();

  router.get('/interaction/:uid', async (ctx) => {
    const details = await loadInteraction(ctx, deps);
    if (details.prompt.name === 'login') return showLogin(ctx, deps, details);
    if (details.prompt.name === 'consent') return showConsent(ctx, deps, details);
    throw new AppError('WRONG_STEP');
  });

  router.post('/interaction/:uid/login', async (ctx) => {
    const { details, form } = await readInteractionForm(ctx, deps);
    if (details.prompt.name !== 'login') throw new AppError('WRONG_STEP');
    await submitLogin(ctx, deps, details, form);
  });

  router.post('/interaction/:uid/consent', async (ctx) => {
    const { details } = await readInteractionForm(ctx, deps);
    if (details.prompt.name !== 'consent' || !details.session?.accountId) throw new AppError('WRONG_STEP');
    await submitConsent(ctx, deps, details);
  });

  // Cancel: the relying app receives access_denied (RFC 6749 §4.1.2.1).
  router.post('/interaction/:uid/abort', async (ctx) => {
    await readInteractionForm(ctx, deps);
    await finishInteraction(ctx, deps, { error: 'access_denied', error_description: 'The person cancelled the sign-in' }, false);
  });

  return router;
}
