import { acceptsMfaSetUpAtSignIn, allowsTrustedDevices, requiresMfa } from '../oidc/client-metadata.ts';
import type { AcrRequest } from '../oidc/acr-request.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import { phishingResistanceDemanded } from '../oidc/phishing-resistance.ts';
import { mfaRequirement, type MfaRequirement } from './mfa-requirement.ts';

export interface RequirementQuery {
  accountId: string;
  client: { [key: string]: unknown } | undefined;
  acrRequest: AcrRequest;
  /** amr and acr of what this authentication has done so far (the session's; ["pwd"] right after the password). */
  amr: readonly string[];
  acr?: string | undefined;
  /** The session rests on a trusted device that is still trusted right now (checked by the caller). */
  rememberedDevice?: boolean;
}

export type RequirementFor = (query: RequirementQuery) => Promise<MfaRequirement>;

/** mfaRequirement fed from the store: used by the password step and by the `mfa` prompt alike. */
export function createRequirementFor(mfa: MfaService, enforcement: 'optional' | 'required'): RequirementFor {
  return async ({ accountId, client, acrRequest, amr, acr, rememberedDevice = false }) => {
    const status = await mfa.status(accountId);
    return mfaRequirement({
      enrolled: status.enabled,
      amr,
      acr,
      clientRequiresMfa: client ? requiresMfa(client) : false,
      clientAcceptsSetUpAtSignIn: client ? acceptsMfaSetUpAtSignIn(client) : true,
      acrRequest,
      enforcement,
      rememberedDevice: rememberedDevice && (client ? allowsTrustedDevices(client) : true),
      phishingResistant: phishingResistanceDemanded(acrRequest, client),
      hasPasskey: status.methods.some((method) => method.type === 'passkey'),
      hasHardwarePasskey: status.methods.some((method) => method.passkey?.hardwareBound === true),
    });
  };
}
