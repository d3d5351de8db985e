import { ACR } from './acr.ts';
import type { AcrRequest } from './acr-request.ts';
import { requiresPhishingResistance } from './client-metadata.ts';

/** What an authorization demands (EAP ACR Values 1.0): a phishing-resistant sign-in, or one that is also hardware-protected. */
export type PhishingResistance = 'phr' | 'phrh';

const PHISHING_RESISTANT: ReadonlySet<string> = new Set([ACR.phishingResistant, ACR.phishingResistantHardware]);

/**
 * Whether this authorization must end with a phishing-resistant authenticator, and of which kind:
 * `acr_values` naming `phrh` (or `phr`; voluntary values are enforced by our `mfa` prompt, as for
 * MFA), an essential `acr` claim that accepts nothing else (`phrh` only when it does not also
 * accept `phr`), or the app's registration (`require_phishing_resistant`: `phr`). App, text and
 * backup codes never meet it; nor does a trusted device. Undefined when nothing demands it.
 */
export function phishingResistanceDemanded(request: AcrRequest, client: { [key: string]: unknown } | undefined): PhishingResistance | undefined {
  if (request.essential) {
    if (request.values.length > 0 && request.values.every((value) => PHISHING_RESISTANT.has(value))) {
      return request.values.includes(ACR.phishingResistant) ? 'phr' : 'phrh';
    }
  } else if (request.values.includes(ACR.phishingResistantHardware)) {
    return 'phrh';
  } else if (request.values.includes(ACR.phishingResistant)) {
    return 'phr';
  }
  return client && requiresPhishingResistance(client) ? 'phr' : undefined;
}

/** Whether a sign-in with this `acr` meets the demand: `phrh` meets both, `phr` only `phr`. */
export function meetsPhishingResistance(acr: string | undefined, demand: PhishingResistance): boolean {
  return acr === ACR.phishingResistantHardware || (demand === 'phr' && acr === ACR.phishingResistant);
}
