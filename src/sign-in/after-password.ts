import type { Context } from 'koa';
import { AppError } from '../errors.ts';
import { acrRequestOf } from '../oidc/acr-request.ts';
import { phishingResistanceDemanded } from '../oidc/phishing-resistance.ts';
import { ACR, AMR } from '../oidc/acr.ts';
import { actionsFor, finishInteraction, type InteractionDetails, type PathsPart } from './interaction-io.ts';
import { redirectAfterPost } from '../http/page-notice.ts';
import { skipWithTrustedDevice, type RememberedDeviceDeps } from './remembered-device.ts';
import type { RequirementFor } from './requirement-for.ts';
import { rememberPasswordPassed } from './second-factor-state.ts';
import { t } from '../i18n/translate.ts';

/** After a right password: the one decision, then a trusted device, the kept subject, or the finished login. */
export interface AfterPasswordDeps extends RememberedDeviceDeps, PathsPart {
  requirementFor: RequirementFor;
}

/**
 * What follows a password that passed — on the plugin's sign-in page or on a host's own (the
 * host's check passed and it hands the account over): finished when no second factor is needed,
 * skipped on a trusted device, else the account becomes this interaction's subject (claimed
 * once) and the browser goes to the second-factor step.
 */
export async function continueAfterPassword(ctx: Context, deps: AfterPasswordDeps, details: InteractionDetails, accountId: string): Promise<void> {
  const client = await deps.provider.Client.find(String(details.params.client_id));
  const clientMetadata = client as unknown as Record<string, unknown> | undefined;
  const acrRequest = acrRequestOf(details.params.acr_values, details.params.claims);
  const requirement = await deps.requirementFor({ accountId, client: clientMetadata, acrRequest, amr: AMR.password });
  const phishingResistant = phishingResistanceDemanded(acrRequest, clientMetadata);
  if (requirement === 'setup-first') {
    const code = phishingResistant === 'phrh' ? 'HARDWARE_PASSKEY_REQUIRED' : phishingResistant ? 'PASSKEY_REQUIRED' : 'MFA_SET_UP_FIRST';
    throw new AppError(code, { link: { href: '/account/security', text: t('ways.openSecurityPage') } });
  }
  if (requirement === 'none') {
    deps.log.info('login.finished', { accountId, clientId: details.params.client_id, method: 'password' });
    await finishInteraction(ctx, deps, details, { login: { accountId, acr: ACR.password, amr: [...AMR.password], remember: true } }, false);
    return;
  }
  // A trusted device never stands in for a phishing-resistant sign-in (EAP ACR Values 1.0 `phr`).
  if (requirement === 'challenge' && !phishingResistant && (await skipWithTrustedDevice(ctx, deps, details, accountId, clientMetadata))) return;
  await rememberPasswordPassed(details, accountId, requirement);
  redirectAfterPost(ctx, actionsFor(deps.paths, details).page);
}
