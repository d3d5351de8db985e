import { MFA_ACR_REQUESTS } from '../provider/acr.ts';

export type MfaRequirement = 'none' | 'challenge' | 'enrol';

export interface RequirementInput {
  /** The account has a second factor. */
  enrolled: boolean;
  /** `amr` of what this authentication has done so far (empty before the password). */
  amr: readonly string[];
  /** The relying app's registration says `require_mfa: true`. */
  clientRequiresMfa: boolean;
  /** The request's acr_values, space-separated, if any. */
  acrValues: string | undefined;
  enforcement: 'optional' | 'required';
  /** The session rests on a trusted device and this client accepts that (allow_trusted_device). */
  rememberedDevice: boolean;
}

/**
 * Whether a second factor must happen before this sign-in completes, and which kind:
 * a challenge for an enrolled account, enrolment for one that must have MFA but has none.
 * An account that has MFA always uses it: the password alone never completes its sign-in.
 */
export function mfaRequirement(input: RequirementInput): MfaRequirement {
  if (input.amr.includes('mfa')) return 'none';
  const requested = (input.acrValues ?? '').split(' ').some((value) => MFA_ACR_REQUESTS.has(value));
  // A remembered device stands in for the second factor, unless the app asks for one explicitly.
  if (input.rememberedDevice && !requested) return 'none';
  const wanted = input.enrolled || input.clientRequiresMfa || requested || input.enforcement === 'required';
  if (!wanted) return 'none';
  return input.enrolled ? 'challenge' : 'enrol';
}
