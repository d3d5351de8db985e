import type Router from '@koa/router';
import { requestFields, type Audit } from '../audit/audit.ts';
import { AppError, assertThat } from '../errors.ts';
import { clearTrustCookie } from '../trusted-device/trust-cookie.ts';
import { formSession, type ConsolePageDeps } from './console-pages.ts';

const MAX_ID = 64;

/**
 * Security → each method: Make default, Remove. Removing one keeps the rest (the epoch rises, so
 * devices trusted before it stop); removing the last is turning MFA off, which has its own
 * confirmation page and is never offered where MFA is required. Each change needs a recent
 * sign-in and is audited.
 */
export interface MethodRoutesDeps extends ConsolePageDeps {
  audit: Audit;
}

export function addMethodRoutes(router: Router, deps: MethodRoutesDeps): void {
  router.post('/account/security/methods/default', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    const id = (form.method ?? '').slice(0, MAX_ID);
    assertThat(await deps.mfa.setDefaultMethod(session.accountId, id), 'METHOD_NOT_FOUND');
    deps.audit({ event: 'mfa.method.default', accountId: session.accountId, ...requestFields(ctx), details: { methodId: id } });
    ctx.status = 303;
    ctx.redirect(deps.paths.to('/account/security'));
  });

  router.post('/account/security/methods/remove', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    const id = (form.method ?? '').slice(0, MAX_ID);
    const { methods } = await deps.mfa.status(session.accountId);
    const method = methods.find((candidate) => candidate.id === id);
    assertThat(method, 'METHOD_NOT_FOUND');
    if (methods.length === 1) {
      // The last method: that is turning MFA off, confirmed on its own page (or refused by policy).
      if (deps.settings.enforcement === 'required') throw new AppError('MFA_REQUIRED_BY_POLICY');
      ctx.status = 303;
      ctx.redirect(deps.paths.to('/account/security/turn-off'));
      return;
    }
    const remaining = await deps.mfa.removeMethod(session.accountId, id);
    assertThat(remaining >= 0, 'METHOD_NOT_FOUND');
    // The epoch rose: this browser's trusted-device token no longer counts, so it is not kept.
    clearTrustCookie(ctx);
    deps.audit({ event: 'mfa.method.removed', accountId: session.accountId, ...requestFields(ctx), details: { method: method.type, methodId: id, remaining } });
    ctx.status = 303;
    ctx.redirect(deps.paths.to('/account/security'));
  });
}
