import type { Context } from 'koa';
import { AMR } from '../../oidc/acr.ts';
import { requestFields } from '../../audit/audit.ts';
import { codeField } from '../../http/read-form.ts';
import type { MfaService } from '../../mfa/mfa-service.ts';
import { hasOtherMethods } from '../../mfa/mfa-status.ts';
import { completeSecondFactor, wantsTrust, type CompleteSecondFactorDeps } from '../../sign-in/complete-second-factor.ts';
import { pauseOf, type FactorPauseDeps } from '../../sign-in/factor-pause.ts';
import type { InteractionDetails } from '../../sign-in/interaction-io.ts';
import type { SecondFactorSubject } from '../../sign-in/second-factor-state.ts';
import { secondFactorModel, sendPage, type SecondFactorPageDeps } from '../../sign-in/second-factor-pages.ts';
import { noticeFor, tellPage } from '../../sign-in/sign-in-notice.ts';
import { t } from '../../i18n/translate.ts';

export interface TotpChallengeDeps extends SecondFactorPageDeps, CompleteSecondFactorDeps, FactorPauseDeps {
  mfa: MfaService;
}

const PAGE = 'totp';

/**
 * The code page: the problem the last POST left (once), or, while the guard has paused the
 * factor, when it can be used again and the other ways instead of a form whose code would not
 * be checked.
 */
export async function showTotpChallenge(ctx: Context, deps: TotpChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const [notice, pause, status] = await Promise.all([
    noticeFor(ctx, deps, details, subject, PAGE),
    pauseOf(deps, details, subject, 'totp'),
    deps.mfa.status(subject.accountId),
  ]);
  const problem = pause?.code ?? notice?.problem;
  sendPage(ctx, deps, 'challenge', { title: t('totp.challengeTitle'), otherWays: hasOtherMethods(status), pause, ...secondFactorModel(deps, details, problem) }, problem);
}

/** The same generic answer for a wrong, expired or replayed code; the page then tells a pause apart. */
export async function submitTotp(ctx: Context, deps: TotpChallengeDeps, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) {
  const code = codeField(form);
  if (!code) return tellPage(ctx, deps, details, subject, { page: PAGE, problem: 'CODE_REQUIRED' });
  if (!(await deps.mfa.verifyTotp(subject.accountId, code))) {
    deps.audit({ event: 'mfa.challenge.failed', accountId: subject.accountId, clientId: String(details.params.client_id), ...requestFields(ctx), details: { method: 'totp' } });
    return tellPage(ctx, deps, details, subject, { page: PAGE, problem: 'CODE_INVALID' });
  }
  await completeSecondFactor(ctx, deps, details, subject, { method: 'totp', amr: AMR.totp, trust: wantsTrust(form), setUpNow: false });
}
