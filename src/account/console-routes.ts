import Router from '@koa/router';
import { finishConsoleSignIn, startConsoleSignIn, type ConsoleSignInDeps } from './console-sign-in.ts';
import { addSecurityRoutes, type SecurityPageDeps } from './security-routes.ts';
import { FACTORS, type FactorSetupDeps } from '../factors/registry.ts';
import { addMethodRoutes, type MethodRoutesDeps } from './method-routes.ts';
import { addSetupChoiceRoutes } from './setup-choice-routes.ts';
import { addManageRoutes, type ManageDeps } from './manage-routes.ts';
import { addNewCodeRoutes, type NewCodeDeps } from './console-new-code.ts';
import { addAppAccessRoutes, type AppAccessDeps } from './app-access-routes.ts';

/** The Security pages: what each of its route groups needs, and what the registered factors asked for. */
export type ConsoleRoutesDeps = ConsoleSignInDeps & SecurityPageDeps & MethodRoutesDeps & ManageDeps & NewCodeDeps & AppAccessDeps & FactorSetupDeps;

/** The self-service Security pages, on the identity provider itself. */
export function createAccountConsoleRoutes(deps: ConsoleRoutesDeps): Router {
  const router = new Router();
  router.get('/account', (ctx) => ctx.redirect(deps.paths.to('/account/security')));
  router.get('/account/sign-in', (ctx) => startConsoleSignIn(ctx, deps));
  router.get('/account/callback', (ctx) => finishConsoleSignIn(ctx, deps));
  addSecurityRoutes(router, deps);
  addSetupChoiceRoutes(router, deps);
  addMethodRoutes(router, deps);
  // Each factor's own Security pages (setting the app or a phone up, the backup code), from the registry.
  for (const factor of FACTORS) factor.addSetupRoutes(router, deps);
  addManageRoutes(router, deps);
  addNewCodeRoutes(router, deps);
  addAppAccessRoutes(router, deps);
  return router;
}
