import { acrRequestOf } from '../../oidc/acr-request.ts';
import { ACR, AMR, PAPE_MULTI_FACTOR } from '../../oidc/acr.ts';
import type { InteractionDetails } from '../../sign-in/interaction-io.ts';

/**
 * The acr of a passkey sign-in: `phrh` for a passkey shown to be hardware-bound, else `phr` (EAP
 * ACR Values 1.0) — unless the app made an essential demand (OpenID Connect Core §5.5.1.1): then
 * the issued acr must be one of its values (`phrh` is also `phr`; `urn:oidc-mfa:mfa` is true of
 * this sign-in too).
 */
export function passkeyAcrOf(details: InteractionDetails, hardwareBound: boolean): string {
  const request = acrRequestOf(details.params.acr_values, details.params.claims);
  const best = hardwareBound ? ACR.phishingResistantHardware : ACR.phishingResistant;
  if (!request.essential) return best;
  const candidates = hardwareBound ? [ACR.phishingResistantHardware, ACR.phishingResistant] : [ACR.phishingResistant];
  const accepted = candidates.find((candidate) => request.values.includes(candidate));
  if (accepted) return accepted;
  return request.values.some((value) => value === ACR.mfa || value === PAPE_MULTI_FACTOR) ? ACR.mfa : best;
}

/** RFC 8176 amr of a passkey sign-in: `hwk` for a hardware-bound key, else `pop`; `pwd` only after a password. */
export function passkeyAmrOf(hardwareBound: boolean, afterPassword: boolean): readonly string[] {
  if (afterPassword) return hardwareBound ? AMR.passkeyHardware : AMR.passkey;
  return hardwareBound ? AMR.passkeyOnlyHardware : AMR.passkeyOnly;
}
