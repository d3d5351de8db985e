import { allowsTrustedDevices, requiresMfa } from '../provider/client-metadata.ts';
import type { MfaService } from './mfa-service.ts';
import { mfaRequirement, type MfaRequirement } from './mfa-requirement.ts';

export type RequirementFor = (
  accountId: string,
  client: { [key: string]: unknown } | undefined,
  acrValues: unknown,
  amr: readonly string[],
  /** The session rests on a trusted device that is still trusted right now (checked by the caller). */
  rememberedDevice?: boolean,
) => Promise<MfaRequirement>;

/** mfaRequirement fed from the store: used by the password step and by the `mfa` prompt alike. */
export function createRequirementFor(mfa: MfaService, enforcement: 'optional' | 'required'): RequirementFor {
  return async (accountId, client, acrValues, amr, rememberedDevice = false) => mfaRequirement({
    enrolled: (await mfa.status(accountId)).enabled,
    amr,
    clientRequiresMfa: client ? requiresMfa(client) : false,
    acrValues: typeof acrValues === 'string' ? acrValues : undefined,
    enforcement,
    rememberedDevice: rememberedDevice && (client ? allowsTrustedDevices(client) : true),
  });
}
