import { ACR } from '../provider/acr.ts';
import { allowsTrustedDevices, requiresMfa } from '../provider/client-metadata.ts';
import type { MfaService } from './mfa-service.ts';
import { mfaRequirement, type MfaRequirement } from './mfa-requirement.ts';

export type RequirementFor = (
  accountId: string,
  client: { [key: string]: unknown } | undefined,
  acrValues: unknown,
  amr: readonly string[],
  acr?: string,
) => Promise<MfaRequirement>;

/** mfaRequirement fed from the store: used by the password step and by the `mfa` prompt alike. */
export function createRequirementFor(mfa: MfaService, enforcement: 'optional' | 'required'): RequirementFor {
  return async (accountId, client, acrValues, amr, acr) => mfaRequirement({
    enrolled: (await mfa.status(accountId)).enabled,
    amr,
    clientRequiresMfa: client ? requiresMfa(client) : false,
    acrValues: typeof acrValues === 'string' ? acrValues : undefined,
    enforcement,
    rememberedDevice: acr === ACR.rememberedDevice && (client ? allowsTrustedDevices(client) : true),
  });
}
