import type Router from '@koa/router';
import { requestFields, type Audit } from '../audit/audit.ts';
import { assertThat } from '../errors.ts';
import { appsWithAccess, type AppsWithAccessDeps } from './apps-with-access.ts';
import { formSession, type ConsolePageDeps } from './console-pages.ts';

/** oidc-provider's grant ids are 43 characters; anything much longer is not one. */
const MAX_GRANT_ID = 100;

export interface AppAccessDeps extends ConsolePageDeps, AppsWithAccessDeps {
  audit: Audit;
}

/**
 * Security → Apps with access → Remove access. The form names a grant; only a grant of the
 * signed-in account, of an app the page lists, is found (any other id — another account's, a
 * first-party app's, made up — is 404 GRANT_NOT_FOUND and nothing changes), and the store refuses
 * another account's grant again on its own. The app's grants go with every code and token of them
 * (its refresh tokens stop working), and its next sign-in asks "Allow access?" again.
 *
 * Same origin, this session's CSRF token, but no fresh re-authentication: removing access only
 * takes something away — the worst anyone at an unattended browser can do with it is make the
 * owner allow the app again — like "Sign out everywhere", which does not ask either. Someone who
 * spots an app they do not trust should be able to cut it off at once, even without their phone.
 */
export function addAppAccessRoutes(router: Router, deps: AppAccessDeps): void {
  router.post('/account/security/apps/remove', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: false });
    const grantId = form.grant ?? '';
    assertThat(grantId.length > 0 && grantId.length <= MAX_GRANT_ID, 'GRANT_NOT_FOUND');
    const app = (await appsWithAccess(deps, session.accountId)).find((listed) => listed.grantId === grantId);
    assertThat(app, 'GRANT_NOT_FOUND');
    assertThat(await deps.grants.revokeGrant(session.accountId, grantId), 'GRANT_NOT_FOUND');
    // The app's other grants (left by sessions from before consent was remembered) go too: access is removed per app.
    const others = app.grantIds.filter((id) => id !== grantId);
    for (const other of others) await deps.grants.revokeGrant(session.accountId, other);
    deps.audit({
      event: 'consent.revoked',
      accountId: session.accountId,
      clientId: app.clientId,
      ...requestFields(ctx),
      details: { grants: 1 + others.length },
    });
    ctx.status = 303;
    ctx.redirect(deps.paths.to('/account/security?removed=1#apps'));
  });
}
