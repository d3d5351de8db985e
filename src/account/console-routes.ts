import Router from '@koa/router';
import type { ConsoleDeps } from './console-deps.ts';
import { finishConsoleSignIn, startConsoleSignIn } from './console-sign-in.ts';
import { addSecurityRoutes } from './security-routes.ts';
import { addSetupRoutes } from './setup-routes.ts';
import { addSmsSetupRoutes } from './sms-setup-routes.ts';
import { addManageRoutes } from './manage-routes.ts';

/** The self-service Security pages, on the identity provider itself. */
export function createAccountConsoleRoutes(deps: ConsoleDeps): Router {
  const router = new Router();
  router.get('/account', (ctx) => ctx.redirect('/account/security'));
  router.get('/account/sign-in', (ctx) => startConsoleSignIn(ctx, deps));
  router.get('/account/callback', (ctx) => finishConsoleSignIn(ctx, deps));
  addSecurityRoutes(router, deps);
  addSetupRoutes(router, deps);
  addSmsSetupRoutes(router, deps);
  addManageRoutes(router, deps);
  return router;
}
