import type { Context } from 'koa';
import { AppError } from '../errors.ts';
import { ACR } from '../oidc/acr.ts';
import { meetsPhishingResistance } from '../oidc/phishing-resistance.ts';
import { demandsPhishingResistance } from './phishing-resistance-demand.ts';
import { requestFields } from '../audit/audit.ts';
import { finishInteraction, type InteractionDetails, type PathsPart, type ProviderPart } from './interaction-io.ts';
import type { Proof, SecondFactorSubject } from './second-factor-state.ts';
import { trustThisDevice, type TrustDeviceDeps } from './remembered-device.ts';

/** Finishing a second factor: the device maybe trusted, the provider told (its result replaces what the sign-in kept). */
export interface CompleteSecondFactorDeps extends ProviderPart, PathsPart, TrustDeviceDeps {}

/**
 * Finishes `login` with what was proven. On the step-up path the original `ts` is re-submitted:
 * submitting only a new prompt result would replay the old login and loop (see DESIGN.md).
 * A factor set up in this sign-in is no challenge passed: its acr says so, and audit already
 * recorded the enrolment (with `during: sign-in`).
 */
export async function completeSecondFactor(ctx: Context, deps: CompleteSecondFactorDeps, details: InteractionDetails, subject: SecondFactorSubject, proof: Proof & { acr?: string }) {
  const clientId = String(details.params.client_id);
  // The last line of defence for `phr` and `phrh` (EAP ACR Values 1.0): no other proof finishes such a sign-in.
  const demand = await demandsPhishingResistance(deps, details);
  if (demand && !meetsPhishingResistance(proof.acr, demand)) throw new AppError(demand === 'phrh' ? 'HARDWARE_PASSKEY_REQUIRED' : 'PASSKEY_REQUIRED');
  if (proof.trust) await trustThisDevice(ctx, deps, subject.accountId, clientId);
  if (!proof.setUpNow) deps.audit({ event: 'mfa.challenge.passed', accountId: subject.accountId, clientId, ...requestFields(ctx), details: { method: proof.method } });
  await finishInteraction(ctx, deps, details, {
    login: { accountId: subject.accountId, ts: subject.ts, acr: proof.acr ?? (proof.setUpNow ? ACR.mfaSetUpAtSignIn : ACR.mfa), amr: [...proof.amr], remember: true },
  }, subject.via === 'session');
}

/** The "Trust this device" checkbox beside every code. */
export function wantsTrust(form: Record<string, string>): boolean {
  return form.trust === '1';
}

