import type Router from '@koa/router';
import { assertThat } from '../errors.ts';
import { FACTORS, type FactorSetupDeps } from '../factors/registry.ts';
import { formSession, pageSession, renderConsole, type ConsolePageDeps } from './console-pages.ts';

/** Security → Set up: the methods that can be set up here, from the factor registry; Next starts the chosen one's setup. */
export function addSetupChoiceRoutes(router: Router, deps: ConsolePageDeps & FactorSetupDeps): void {
  const choices = () => FACTORS.flatMap((factor) => (factor.setupChoice?.available(deps) ? [{ id: factor.id, ...factor.setupChoice }] : []));

  router.get('/account/security/setup', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: true });
    if (!session) return;
    renderConsole(ctx, deps, session, 'setup-choose', {
      title: 'Set up 2-step verification',
      choices: choices().map(({ id, title, hint }) => ({ id, title, hint })),
    });
  });

  router.post('/account/security/setup', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    const chosen = choices().find((choice) => choice.id === form.method);
    assertThat(chosen, 'WRONG_STEP');
    await chosen.start(ctx, deps, session);
  });
}
