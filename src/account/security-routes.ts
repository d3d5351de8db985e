import type Router from '@koa/router';
import { methodOf } from '../factors/registry.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { pageSession, renderConsole } from './console-pages.ts';
import { formatDate } from './format-date.ts';

/** Security → Multi-factor authentication: the method, how it was set up, the backup code, devices. */
export function addSecurityRoutes(router: Router, deps: ConsoleDeps): void {
  router.get('/account/security', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: false });
    if (!session) return;
    const status = await deps.mfa.status(session.accountId);
    // The account's method, as its factor describes itself (registry.ts).
    const method = methodOf(status)?.describe(status);
    renderConsole(ctx, deps, session, 'security', {
      title: 'Security',
      mfaEnabled: status.enabled,
      method: method?.label,
      enrolledAt: formatDate(method?.since),
      setUp: status.setUp && { duringSignIn: status.setUp.how === 'sign-in', device: status.setUp.device },
      backupCodeCreatedAt: formatDate(status.backupCode?.createdAt),
      enforcement: deps.settings.enforcement,
      deviceCount: (await deps.trusted.list(session.accountId)).length,
    });
  });
}
