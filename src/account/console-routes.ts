import Router from '@koa/router';
import type { ConsoleDeps } from './console-deps.ts';
import { finishConsoleSignIn, startConsoleSignIn } from './console-sign-in.ts';
import { addSecurityRoutes } from './security-routes.ts';
import { FACTORS } from '../factors/registry.ts';
import { addMethodRoutes } from './method-routes.ts';
import { addSetupChoiceRoutes } from './setup-choice-routes.ts';
import { addManageRoutes } from './manage-routes.ts';
import { addNewCodeRoutes } from './console-new-code.ts';

/** The self-service Security pages, on the identity provider itself. */
export function createAccountConsoleRoutes(deps: ConsoleDeps): Router {
  const router = new Router();
  router.get('/account', (ctx) => ctx.redirect('/account/security'));
  router.get('/account/sign-in', (ctx) => startConsoleSignIn(ctx, deps));
  router.get('/account/callback', (ctx) => finishConsoleSignIn(ctx, deps));
  addSecurityRoutes(router, deps);
  addSetupChoiceRoutes(router, deps);
  addMethodRoutes(router, deps);
  // Each factor's own Security pages (setting the app or a phone up, the backup code), from the registry.
  for (const factor of FACTORS) factor.addSetupRoutes(router, deps);
  addManageRoutes(router, deps);
  addNewCodeRoutes(router, deps);
  return router;
}
