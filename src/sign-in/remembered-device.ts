import type { Context } from 'koa';
import { requestFields } from '../audit/audit.ts';
import { ACR, AMR, MFA_ACR_REQUESTS } from '../oidc/acr.ts';
import { acrRequestOf } from '../oidc/acr-request.ts';
import { allowsTrustedDevices } from '../oidc/client-metadata.ts';
import { readTrustCookie, writeTrustCookie } from '../trusted-device/trust-cookie.ts';
import type { Audit } from '../audit/audit.ts';
import type { Logger } from '../log.ts';
import type { AccountSecurity } from '../mfa/account-security.ts';
import type { TrustedDevices } from '../trusted-device/trusted-devices.ts';
import { finishInteraction, type InteractionDetails, type PathsPart, type ProviderPart } from './interaction-io.ts';

/** Ticking "Trust this device": the account's current conditions, the devices, and audit. */
export interface TrustDeviceDeps {
  security: AccountSecurity;
  trusted: TrustedDevices;
  audit: Audit;
}

/** Skipping the challenge on a trusted device finishes the interaction and logs the use. */
export interface RememberedDeviceDeps extends ProviderPart, PathsPart, Pick<TrustDeviceDeps, 'security' | 'trusted'> {
  log: Logger;
}

/**
 * A relying app that demands fresh authentication (acr_values or the claims parameter naming MFA, max_age, or
 * prompt=login) gets the challenge even on a trusted device: a remembered second factor is
 * not a fresh one.
 */
function demandsFreshMfa(details: InteractionDetails): boolean {
  const { params } = details;
  const { values } = acrRequestOf(params.acr_values, params.claims);
  const prompts = typeof params.prompt === 'string' ? params.prompt.split(' ') : [];
  return params.max_age !== undefined || prompts.includes('login') || values.some((value) => MFA_ACR_REQUESTS.has(value));
}

/**
 * After the right password: when this browser holds a trusted-device token of this very account,
 * from its current epoch and after its last password change, the challenge is skipped — and the
 * token says so honestly: amr ["pwd"], acr "remembered device". Returns false to challenge.
 */
export async function skipWithTrustedDevice(ctx: Context, deps: RememberedDeviceDeps, details: InteractionDetails, accountId: string, client: Record<string, unknown> | undefined): Promise<boolean> {
  const token = readTrustCookie(ctx);
  // No token in this browser: nothing to check, so nothing of the account's is read for it.
  if (!token || (client && !allowsTrustedDevices(client)) || demandsFreshMfa(details)) return false;
  const conditions = await deps.security.conditions(accountId);
  const device = conditions && (await deps.trusted.check(token, conditions));
  if (!device) return false;
  await deps.trusted.touch(device.id);
  deps.log.info('mfa.device.used', { accountId, clientId: details.params.client_id, deviceId: device.id });
  await finishInteraction(ctx, deps, details, { login: { accountId, acr: ACR.rememberedDevice, amr: [...AMR.password], remember: true } }, false);
  return true;
}

/** "Trust this device" was ticked beside a right code: a new token for this browser and account. */
export async function trustThisDevice(ctx: Context, deps: TrustDeviceDeps, accountId: string, clientId: string): Promise<void> {
  const conditions = await deps.security.conditions(accountId);
  if (!conditions) return;
  const { token, device } = await deps.trusted.trust(accountId, conditions.epoch, ctx.get('user-agent'));
  writeTrustCookie(ctx, token, deps.trusted.trustSeconds);
  deps.audit({ event: 'mfa.device.trusted', accountId, clientId, ...requestFields(ctx), details: { deviceId: device.id, label: device.label } });
}
