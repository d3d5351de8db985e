import Router from '@koa/router';
import { addForgotRoutes } from './forgot-routes.ts';
import type { PasswordResetDeps } from './reset-deps.ts';
import { addResetRoutes } from './reset-routes.ts';

/** "Forgot password?" and the link's page, on the hosted provider (only while mail can be sent). */
export function createPasswordResetRoutes(deps: PasswordResetDeps): Router {
  const router = new Router();
  addForgotRoutes(router, deps);
  addResetRoutes(router, deps);
  return router;
}
