import { errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { meetsEssentialAcr, type AcrRequest } from '../oidc/acr-request.ts';
import { sessionStartedBefore } from '../mfa/account-security.ts';
import type { MfaRequirement } from './mfa-requirement.ts';

const { Check, Prompt, base } = interactionPolicy;

/** Sessions of this account from before this time (ms) are over; undefined when the account is gone. */
export type SessionsValidAfter = (accountId: string) => Promise<number | undefined>;

/** What the current authorization still needs by way of a second factor. */
export type MfaRequirementFor = (ctx: KoaContextWithOIDC) => Promise<MfaRequirement>;

/** The current authorization's acr demands (acr_values and the claims parameter). */
export type AcrRequestFor = (ctx: KoaContextWithOIDC) => AcrRequest;

/**
 * A Session carries only oidc-provider's own fields (accountId, loginTs, acr, amr), nothing of
 * ours, and sessions cannot be listed by account: so a password change, MFA off or reset, or
 * "sign out everywhere" ends sessions by time — the `login` prompt asks again when the session
 * began before the change (OWASP ASVS 5.0 V7, Session Management), or when its account no longer exists.
 */
function sessionStillValidCheck(sessionsValidAfter: SessionsValidAfter) {
  return new Check('credentials_changed', 'The session began before the account last changed', async (ctx: KoaContextWithOIDC) => {
    const session = ctx.oidc.session;
    if (!session?.accountId) return Check.NO_NEED_TO_PROMPT;
    const validAfter = await sessionsValidAfter(session.accountId);
    if (validAfter === undefined) return Check.REQUEST_PROMPT;
    return sessionStartedBefore(session.loginTs, validAfter) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
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
    const requirement = await requirementFor(ctx);
    // setup-first too: the password step then explains that the factor must be set up on the Security page.
    return requirement === 'enrol' || requirement === 'setup-first' ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
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

/**
 * An essential acr demand (claims parameter, OpenID Connect Core §5.5.1.1) that the finished
 * authentication does not meet is a failed authentication: the app receives
 * `unmet_authentication_requirements` instead of a token with another acr. Runs after `login`
 * and `mfa`, so a demand for MFA has had its step-up first.
 */
function essentialAcrPrompt(acrRequestFor: AcrRequestFor) {
  return new Prompt(
    { name: 'essential_acr', requestable: false },
    new Check('essential_acr_unmet', 'The requested authentication level could not be reached', async (ctx: KoaContextWithOIDC) => {
      if (!meetsEssentialAcr(acrRequestFor(ctx), ctx.oidc.acr)) {
        throw new errors.UnmetAuthenticationRequirements('none of the essential acr values could be met');
      }
      return Check.NO_NEED_TO_PROMPT;
    }),
  );
}

/**
 * oidc-provider's own `essential_acr(s)` login checks would answer an essential demand for MFA
 * with the password page again, which never raises the level (a loop); here such a demand is a
 * step-up exactly like acr_values (the `mfa` prompt), then judged once by `essential_acr`.
 */
export function createInteractionPolicy(sessionsValidAfter: SessionsValidAfter, requirementFor: MfaRequirementFor, acrRequestFor: AcrRequestFor) {
  const policy = base();
  const login = policy.get('login')!;
  login.checks.remove('essential_acrs');
  login.checks.remove('essential_acr');
  login.checks.add(sessionStillValidCheck(sessionsValidAfter));
  login.checks.add(enrolmentNeedsPasswordCheck(requirementFor));
  policy.add(mfaPrompt(requirementFor), 1);
  policy.add(essentialAcrPrompt(acrRequestFor), 2);
  return policy;
}
