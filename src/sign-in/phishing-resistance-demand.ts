import { acrRequestOf } from '../oidc/acr-request.ts';
import { phishingResistanceDemanded, type PhishingResistance } from '../oidc/phishing-resistance.ts';
import type { InteractionDetails, ProviderPart } from './interaction-io.ts';

/** Whether this interaction's authorization demands a phishing-resistant sign-in (its client, acr_values, claims). */
export async function demandsPhishingResistance(deps: ProviderPart, details: InteractionDetails): Promise<PhishingResistance | undefined> {
  const client = await deps.provider.Client.find(String(details.params.client_id));
  return phishingResistanceDemanded(acrRequestOf(details.params.acr_values, details.params.claims), client as unknown as Record<string, unknown> | undefined);
}
