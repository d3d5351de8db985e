import type { Middleware } from 'koa';
import type { Store } from '../store/store.ts';

/** GET /healthz: 200 when the store answers within a second, 503 when it does not (for load balancers). */
export function healthCheck(store: Store, timeoutMs = 1000): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/healthz') return next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    try {
      await Promise.race([store.ping(), timeout]);
      ctx.body = { status: 'ok', store: store.kind };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', store: store.kind };
    } finally {
      clearTimeout(timer);
    }
    ctx.set('cache-control', 'no-store');
  };
}
