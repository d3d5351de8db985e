import { acrRequestOf } from '../../oidc/acr-request.ts';
import { ACR, PAPE_MULTI_FACTOR } from '../../oidc/acr.ts';
import type { InteractionDetails } from '../../sign-in/interaction-io.ts';

/**
 * The acr of a passkey sign-in: `phr` (EAP ACR Values 1.0), unless the app made an essential
 * demand (OpenID Connect Core §5.5.1.1) that lists our MFA level and not `phr`: then the issued
 * acr must be one of its values, and `urn:oidc-mfa:mfa` is true of this sign-in too.
 */
export function passkeyAcrOf(details: InteractionDetails): string {
  const request = acrRequestOf(details.params.acr_values, details.params.claims);
  if (!request.essential || request.values.includes(ACR.phishingResistant)) return ACR.phishingResistant;
  return request.values.some((value) => value === ACR.mfa || value === PAPE_MULTI_FACTOR) ? ACR.mfa : ACR.phishingResistant;
}
