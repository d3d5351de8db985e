import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { MfaRequirement } from '../mfa/mfa-requirement.ts';

const { Check, Prompt, base } = interactionPolicy;

/** When an account's credentials last changed (ms), or undefined if the account is gone. */
export type CredentialsChangedAt = (accountId: string) => Promise<number | undefined>;

/** What the current authorization still needs by way of a second factor. */
export type MfaRequirementFor = (ctx: KoaContextWithOIDC) => Promise<MfaRequirement>;

/**
 * oidc-provider keeps no account state on a Session, so a password change cannot end sessions
 * directly: instead the `login` prompt asks again when the session started before the change
 * (OWASP ASVS 5.0 V7.4.3), or when its account no longer exists.
 */
function credentialsChangedCheck(credentialsChangedAt: CredentialsChangedAt) {
  return new Check('credentials_changed', 'End-User credentials changed since the session started', async (ctx: KoaContextWithOIDC) => {
    const session = ctx.oidc.session;
    if (!session?.accountId) return Check.NO_NEED_TO_PROMPT;
    const changedAt = await credentialsChangedAt(session.accountId);
    if (changedAt === undefined) return Check.REQUEST_PROMPT;
    // loginTs is in whole seconds: a change in the same second as the sign-in does not end it.
    return (session.loginTs ?? 0) < Math.floor(changedAt / 1000) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  });
}

/**
 * A session whose account must now enrol (a require_mfa app, enforcement=required, acr_values)
 * signs in with the password again first: enrolling a new authenticator on the strength of an
 * old session would let anyone at an unattended browser take the account over.
 */
function enrolmentNeedsPasswordCheck(requirementFor: MfaRequirementFor) {
  return new Check('mfa_enrolment_required', 'A second factor must be set up', async (ctx: KoaContextWithOIDC) => {
    if (!ctx.oidc.session?.accountId || ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
    return (await requirementFor(ctx)) === 'enrol' ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  });
}

/**
 * The `mfa` prompt, after `login` and before `consent`: step-up inside an existing session
 * (a client or acr_values wanting MFA, an account enrolled after its session began).
 * oidc-provider never enforces voluntary acr_values itself; this check does.
 */
function mfaPrompt(requirementFor: MfaRequirementFor) {
  return new Prompt(
    { name: 'mfa', requestable: false },
    new Check('mfa_required', 'A second factor is required', async (ctx: KoaContextWithOIDC) => {
      if (!ctx.oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
      return (await requirementFor(ctx)) === 'challenge' ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );
}

export function createInteractionPolicy(credentialsChangedAt: CredentialsChangedAt, requirementFor: MfaRequirementFor) {
  const policy = base();
  const login = policy.get('login')!;
  login.checks.add(credentialsChangedCheck(credentialsChangedAt));
  login.checks.add(enrolmentNeedsPasswordCheck(requirementFor));
  policy.add(mfaPrompt(requirementFor), 1);
  return policy;
}
