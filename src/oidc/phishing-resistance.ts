import { ACR } from './acr.ts';
import type { AcrRequest } from './acr-request.ts';
import { requiresPhishingResistance } from './client-metadata.ts';

/**
 * Whether this authorization must end with a phishing-resistant authenticator (EAP ACR Values
 * 1.0 `phr`): the app's registration says so (`require_phishing_resistant`), `acr_values` names
 * `phr` (voluntary values are enforced by our `mfa` prompt, as for MFA), or an essential `acr`
 * claim accepts nothing else. App, text and backup codes never meet it; nor does a trusted device.
 */
export function phishingResistanceDemanded(request: AcrRequest, client: { [key: string]: unknown } | undefined): boolean {
  if (client && requiresPhishingResistance(client)) return true;
  if (request.essential) return request.values.length > 0 && request.values.every((value) => value === ACR.phishingResistant);
  return request.values.includes(ACR.phishingResistant);
}
