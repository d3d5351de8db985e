import { ACR, MFA_ACR_REQUESTS } from '../oidc/acr.ts';
import { meetsPhishingResistance, type PhishingResistance } from '../oidc/phishing-resistance.ts';
import type { AcrRequest } from '../oidc/acr-request.ts';

/**
 * `setup-first`: a second factor is needed and the account has none, but one set up during this
 * sign-in would not satisfy the app (its `accept_mfa_set_up_at_sign_in` is false, or an essential
 * acr demand does not list `urn:oidc-mfa:mfa:set-up-at-sign-in`): the person sets it up on the
 * Security page first.
 */
export type MfaRequirement = 'none' | 'challenge' | 'enrol' | 'setup-first';

export interface RequirementInput {
  /** The account has a second factor. */
  enrolled: boolean;
  /** `amr` of what this authentication has done so far (empty before the password). */
  amr: readonly string[];
  /** `acr` of what this authentication has done so far (the session's), if any. */
  acr?: string | undefined;
  /** The relying app's registration says `require_mfa: true`. */
  clientRequiresMfa: boolean;
  /** The relying app accepts a factor set up during the sign-in itself (`accept_mfa_set_up_at_sign_in`, default true). */
  clientAcceptsSetUpAtSignIn: boolean;
  /** acr_values and the claims parameter's acr. */
  acrRequest: AcrRequest;
  enforcement: 'optional' | 'required';
  /** The session rests on a trusted device and this client accepts that (allow_trusted_device). */
  rememberedDevice: boolean;
  /** A phishing-resistant sign-in (acr `phr`, or `phrh`) is demanded: src/oidc/phishing-resistance.ts. */
  phishingResistant?: PhishingResistance | undefined;
  /** The account has a passkey (the one phishing-resistant factor we offer). */
  hasPasskey?: boolean;
  /** The account has a passkey shown to be hardware-bound (the one that meets `phrh`). */
  hasHardwarePasskey?: boolean;
}

/** Whether a factor set up during this sign-in (ACR.mfaSetUpAtSignIn) meets what the app asked for. */
function setUpAtSignInSatisfies(input: RequirementInput): boolean {
  if (!input.clientAcceptsSetUpAtSignIn) return false;
  return !input.acrRequest.essential || input.acrRequest.values.includes(ACR.mfaSetUpAtSignIn);
}

/**
 * Whether a second factor must happen before this sign-in completes, and which kind:
 * a challenge for an enrolled account, enrolment for one that must have MFA but has none.
 * An account that has MFA always uses it: the password alone never completes its sign-in.
 */
export function mfaRequirement(input: RequirementInput): MfaRequirement {
  // EAP ACR Values 1.0 `phr` / `phrh`: only a passkey (hardware-bound for `phrh`) in this session meets it; codes and trusted devices never do.
  if (input.phishingResistant) {
    if (meetsPhishingResistance(input.acr, input.phishingResistant)) return 'none';
    const canMeet = input.phishingResistant === 'phrh' ? input.hasHardwarePasskey : input.hasPasskey;
    return canMeet ? 'challenge' : 'setup-first';
  }
  const requested = input.acrRequest.values.some((value) => MFA_ACR_REQUESTS.has(value));
  const appWantsMfa = requested || input.clientRequiresMfa;
  if (input.amr.includes('mfa')) {
    // A factor set up in the sign-in that made this session: proving it again, now, is what a stricter app needs.
    if (input.acr === ACR.mfaSetUpAtSignIn && appWantsMfa && !setUpAtSignInSatisfies(input)) return 'challenge';
    return 'none';
  }
  // A remembered device stands in for the second factor, unless the app asks for one explicitly.
  if (input.rememberedDevice && !requested) return 'none';
  const wanted = input.enrolled || appWantsMfa || input.enforcement === 'required';
  if (!wanted) return 'none';
  if (input.enrolled) return 'challenge';
  return appWantsMfa && !setUpAtSignInSatisfies(input) ? 'setup-first' : 'enrol';
}
