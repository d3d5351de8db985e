import type Router from '@koa/router';
import type { Middleware } from 'koa';

/**
 * A router's routes and its 405 answers, asked only for paths under `prefix`, which every route it
 * holds starts with (checked here, once: a route outside it is a programming error, refused at
 * start). Most requests of a sign-in are oidc-provider's own (`/auth`, `/auth/:uid`, `/token`):
 * they pass by without the router trying each of its routes.
 */
export function routesUnder(prefix: string, router: Router): Middleware {
  const inside = (path: string) => path === prefix || path.startsWith(`${prefix}/`);
  // Routes only: the router's own middleware (a layer without methods) runs only once one of them matched.
  const stray = router.stack.filter((layer) => layer.methods.length > 0).map((layer) => layer.path).filter((path) => typeof path !== 'string' || !inside(path));
  if (stray.length > 0) throw new Error(`routes outside ${prefix}: ${stray.join(', ')}`);
  const routes = router.routes();
  const allowed = router.allowedMethods({ throw: true });
  const middleware: Middleware = (ctx, next) => (inside(ctx.path) ? routes(ctx as Parameters<typeof routes>[0], () => allowed(ctx as Parameters<typeof allowed>[0], next)) : next());
  // As @koa/router's own routes() does: whoever reads an app's middleware finds the router it serves.
  return Object.assign(middleware, { router });
}
