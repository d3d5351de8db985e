import type { MfaService } from '../../mfa/mfa-service.ts';
import type { MethodSetUp, TransientStore } from '../../mfa/mfa-store.ts';

export type SetupOutcome = { ok: true; backupCode: string } | { ok: false; problem: 'CODE_REQUIRED' | 'CODE_INVALID' | 'SETUP_EXPIRED' };

/**
 * An authenticator-app setup waiting for its first code, kept sealed in the transient store
 * under `key` (bound to a sign-in or a console session). The Security page and enrolment during
 * sign-in both go through here.
 */
export function totpSetup(deps: { mfa: MfaService; transient: TransientStore }, accountId: string, key: string) {
  return {
    /** The sealed secret of this setup, made on first use and kept until `ttlSeconds` pass. */
    async secret(ttlSeconds: number): Promise<string> {
      const kept = await deps.transient.get(key);
      if (kept) return kept;
      const sealed = deps.mfa.startTotpSetup(accountId);
      await deps.transient.set(key, sealed, ttlSeconds);
      return sealed;
    },

    async restart(ttlSeconds: number): Promise<void> {
      await deps.transient.set(key, deps.mfa.startTotpSetup(accountId), ttlSeconds);
    },

    pending: () => deps.transient.get(key),

    /**
     * Nothing is enrolled until the first code verifies; then the setup is claimed (of two racing
     * confirmations only one enrols and shows a backup code) and the app turned on.
     */
    async confirm(code: string, setUp: MethodSetUp): Promise<SetupOutcome> {
      const sealed = await deps.transient.get(key);
      if (!sealed) return { ok: false, problem: 'SETUP_EXPIRED' };
      if (!code) return { ok: false, problem: 'CODE_REQUIRED' };
      const step = deps.mfa.checkSetupCode(accountId, sealed, code);
      if (step === undefined) return { ok: false, problem: 'CODE_INVALID' };
      if ((await deps.transient.take(key)) !== sealed) return { ok: false, problem: 'SETUP_EXPIRED' };
      return { ok: true, backupCode: await deps.mfa.enrolTotp(accountId, sealed, step, setUp) };
    },
  };
}
