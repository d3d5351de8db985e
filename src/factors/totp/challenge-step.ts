import type { Context } from 'koa';
import { AMR } from '../../oidc/acr.ts';
import { requestFields } from '../../audit/audit.ts';
import type { ErrorCode } from '../../errors.ts';
import { codeField } from '../../http/read-form.ts';
import type { MfaService } from '../../mfa/mfa-service.ts';
import { hasOtherMethods } from '../../mfa/mfa-status.ts';
import { completeSecondFactor, wantsTrust, type CompleteSecondFactorDeps } from '../../sign-in/complete-second-factor.ts';
import type { InteractionDetails } from '../../sign-in/interaction-io.ts';
import type { SecondFactorSubject } from '../../sign-in/second-factor-state.ts';
import { secondFactorModel, sendPage, type SecondFactorPageDeps } from '../../sign-in/second-factor-pages.ts';

export interface TotpChallengeDeps extends SecondFactorPageDeps, CompleteSecondFactorDeps {
  mfa: MfaService;
}

export async function showTotpChallenge(ctx: Context, deps: TotpChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, problem?: ErrorCode) {
  sendPage(ctx, deps, 'challenge', { title: 'Enter your code', otherWays: hasOtherMethods(await deps.mfa.status(subject.accountId)), ...secondFactorModel(deps, details, problem) }, problem);
}

/** The same generic answer for a wrong, expired, replayed or locked code. */
export async function submitTotp(ctx: Context, deps: TotpChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const code = codeField(form);
  if (!code) return showTotpChallenge(ctx, deps, details, subject, 'CODE_REQUIRED');
  if (!(await deps.mfa.verifyTotp(subject.accountId, code))) {
    deps.audit({ event: 'mfa.challenge.failed', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'totp' } });
    return showTotpChallenge(ctx, deps, details, subject, 'CODE_INVALID');
  }
  await completeSecondFactor(ctx, deps, details, subject, { method: 'totp', amr: AMR.totp, trust: wantsTrust(form), setUpNow: false });
}
