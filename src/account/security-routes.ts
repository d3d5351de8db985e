import type Router from '@koa/router';
import type Provider from 'oidc-provider';
import { editHrefOf, labelOf } from '../factors/registry.ts';
import type { TrustedDevices } from '../trusted-device/trusted-devices.ts';
import { appsWithAccess, type AppsWithAccessDeps } from './apps-with-access.ts';
import { pageSession, renderConsole, type ConsolePageDeps } from './console-pages.ts';
import { formatDate } from './format-date.ts';
import { t } from '../i18n/translate.ts';
import { deviceLabelInWords } from '../trusted-device/device-label.ts';

/** Security → Multi-factor authentication: the method, how it was set up, the backup code, devices; apps with access. */
export interface SecurityPageDeps extends ConsolePageDeps, AppsWithAccessDeps {
  trusted: TrustedDevices;
}

/** The provider's own sign-out (RP-Initiated Logout's end_session route, wherever the host put it); none when the host turned it off. */
function signOutHrefOf(provider: Provider): string | undefined {
  try {
    return provider.urlFor('end_session');
  } catch {
    return undefined;
  }
}

export function addSecurityRoutes(router: Router, deps: SecurityPageDeps): void {
  const signOutHref = signOutHrefOf(deps.provider);
  router.get('/account/security', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: false });
    if (!session) return;
    const status = await deps.mfa.status(session.accountId);
    renderConsole(ctx, deps, session, 'security', {
      title: t('security.title'),
      mfaEnabled: status.enabled,
      // Each method as its factor names it (registry.ts), with when, how and on which device it was set up.
      methods: status.methods.map((method) => ({
        id: method.id,
        label: labelOf(method),
        editHref: ((href) => href && deps.paths.to(href))(editHrefOf(method)),
        since: formatDate(method.createdAt),
        lastUsed: formatDate(method.lastUsedAt),
        isDefault: method.isDefault,
        setUp: method.setUp && { duringSignIn: method.setUp.how === 'sign-in', device: deviceLabelInWords(method.setUp.device) },
      })),
      several: status.methods.length > 1,
      backupCodeCreatedAt: formatDate(status.backupCode?.createdAt),
      enforcement: deps.settings.enforcement,
      deviceCount: (await deps.trusted.list(session.accountId)).length,
      apps: await appsWithAccess(deps, session.accountId),
      // After "Remove access" (a redirect, so a refresh does not post again); nothing of the request is echoed.
      removed: ctx.query.removed === '1',
      signOutHref,
    });
  });
}
