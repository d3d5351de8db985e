import type Router from '@koa/router';
import type { Context } from 'koa';
import { requestFields, type Audit } from '../audit/audit.ts';
import { AppError, assertThat } from '../errors.ts';
import { clearTrustCookie, readTrustCookie } from '../trusted-device/trust-cookie.ts';
import type { TrustedDevices } from '../trusted-device/trusted-devices.ts';
import { formSession, pageSession, renderConsole, type ConsolePageDeps } from './console-pages.ts';
import { redirectAfterPost } from '../http/page-notice.ts';
import { signInUrl, type ConsoleSession } from './console-session.ts';

/** The pages after sessions were ended: fixed wording, chosen by a query value that carries nothing else. */
const SIGNED_OUT_PAGES = {
  mfaOff: {
    title: '2-step verification is off',
    lead: 'Your sign-ins now need only your password. For your security you have been signed out everywhere, here too.',
  },
  everywhere: {
    title: 'Signed out everywhere',
    lead: 'Every browser and app signed in to your account, this one included, must sign in again. Trusted devices were forgotten.',
  },
};

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const MAX_ID = 64;

/**
 * Manage: trusted devices (list, revoke, revoke all), turn MFA off, sign out everywhere. Each
 * change needs a recent sign-in (with the second factor where enrolled) and is audited.
 */
/** Trusted devices, signing out everywhere and turning MFA off. */
export interface ManageDeps extends ConsolePageDeps {
  trusted: TrustedDevices;
  audit: Audit;
}

export function addManageRoutes(router: Router, deps: ManageDeps): void {
  /**
   * After sessions were ended: trusted devices go too, this browser forgets its token, and it is
   * audited. The answer is a 303 to a page that needs no session (this one just ended), so
   * Refresh there repeats nothing.
   */
  const endEverywhere = async (ctx: Context, session: ConsoleSession, event: 'mfa.disabled' | 'session.ended_everywhere') => {
    await deps.trusted.revokeAll(session.accountId);
    clearTrustCookie(ctx);
    deps.audit({ event, accountId: session.accountId, ...requestFields(ctx) });
    redirectAfterPost(ctx, deps.paths.to(`/account/signed-out?after=${event === 'mfa.disabled' ? 'mfa-off' : 'everywhere'}`));
  };

  router.get('/account/signed-out', (ctx) => {
    const page = ctx.query.after === 'mfa-off' ? SIGNED_OUT_PAGES.mfaOff : SIGNED_OUT_PAGES.everywhere;
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = deps.render('signed-out-everywhere', page);
  });

  const showDevices = async (ctx: Context) => {
    const session = await pageSession(ctx, deps, { fresh: false });
    if (!session) return;
    const thisDevice = await deps.trusted.idOf(readTrustCookie(ctx));
    const devices = (await deps.trusted.list(session.accountId)).map((device) => ({
      id: device.id,
      label: device.label,
      firstUsed: day(device.createdAt),
      lastUsed: day(device.lastUsedAt),
      expires: day(device.expiresAt),
      current: device.id === thisDevice,
    }));
    renderConsole(ctx, deps, session, 'trusted-devices', {
      title: 'Trusted devices', devices, fresh: session.fresh, reauthHref: signInUrl(deps.paths, '/account/security/devices', true),
    });
  };

  router.get('/account/security/devices', showDevices);

  router.post('/account/security/devices/revoke', async (ctx) => {
    const { session, form } = await formSession(ctx, deps, { fresh: true });
    const id = (form.id ?? '').slice(0, MAX_ID);
    assertThat(await deps.trusted.revoke(session.accountId, id), 'DEVICE_NOT_FOUND');
    if (id === (await deps.trusted.idOf(readTrustCookie(ctx)))) clearTrustCookie(ctx);
    deps.audit({ event: 'mfa.device.revoked', accountId: session.accountId, ...requestFields(ctx), details: { deviceId: id } });
    ctx.status = 303;
    ctx.redirect(deps.paths.to('/account/security/devices'));
  });

  router.post('/account/security/devices/revoke-all', async (ctx) => {
    const { session } = await formSession(ctx, deps, { fresh: true });
    const count = await deps.trusted.revokeAll(session.accountId);
    clearTrustCookie(ctx);
    deps.audit({ event: 'mfa.device.revoked', accountId: session.accountId, ...requestFields(ctx), details: { all: true, count } });
    ctx.status = 303;
    ctx.redirect(deps.paths.to('/account/security/devices'));
  });

  router.get('/account/security/turn-off', async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: true });
    if (!session) return;
    assertThat(deps.settings.enforcement === 'optional', 'MFA_REQUIRED_BY_POLICY');
    renderConsole(ctx, deps, session, 'turn-off', { title: 'Turn off 2-step verification', mfaEnabled: session.mfaEnabled });
  });

  router.post('/account/security/turn-off', async (ctx) => {
    const { session } = await formSession(ctx, deps, { fresh: true });
    if (deps.settings.enforcement === 'required') throw new AppError('MFA_REQUIRED_BY_POLICY');
    assertThat(session.mfaEnabled, 'MFA_NOT_ENABLED');
    await deps.mfa.disable(session.accountId);
    await endEverywhere(ctx, session, 'mfa.disabled');
  });

  router.post('/account/security/sign-out-everywhere', async (ctx) => {
    const { session } = await formSession(ctx, deps, { fresh: false });
    await deps.mfa.endSessions(session.accountId);
    await endEverywhere(ctx, session, 'session.ended_everywhere');
  });
}
