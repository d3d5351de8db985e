import type { TransientStore } from '../../mfa/mfa-store.ts';

/**
 * How long a WebAuthn challenge lives: the ceremony's own timeout (WebAuthn L3 §15.1 recommends
 * 300 s to 600 s when user verification is required), after which the challenge is gone.
 */
export const PASSKEY_CEREMONY_SECONDS = 300;

/** A ceremony's kind: each keeps its own challenge, so one can never be answered with the other's. */
export type CeremonyKind = 'register' | 'authenticate' | 'discover';

/**
 * The account of a `discover` ceremony ("Sign in with a passkey"): none is known until the
 * authenticator names it (the user handle), so its challenge is bound to the interaction alone.
 */
export const NO_ACCOUNT_YET = '-';

interface Kept {
  challenge: string;
  accountId: string;
}

/**
 * WebAuthn challenges (WebAuthn L3 §13.4.3: random, at least 16 bytes, single use), kept in the
 * transient store under a key made of the ceremony, its scope (the interaction, or the Security
 * page's session) AND the account: a challenge made for A in one tab is simply not found for B,
 * for another interaction or for another session. Taking it deletes it, so an assertion can be
 * checked against it once; a refresh of the page replaces it.
 */
export function passkeyChallenges(transient: TransientStore) {
  const key = (kind: CeremonyKind, scope: string, accountId: string) => `passkey-challenge:${kind}:${scope}:${accountId}`;
  return {
    async keep(kind: CeremonyKind, scope: string, accountId: string, challenge: string): Promise<void> {
      // claim, not set: a challenge still waiting is never replaced (see `pending`), so it lives its 300 s from when it was made.
      await transient.claim(key(kind, scope, accountId), JSON.stringify({ challenge, accountId } satisfies Kept), PASSKEY_CEREMONY_SECONDS);
    },

    /**
     * The challenge still waiting for this ceremony, scope and account, as bytes for the options
     * (a second tab of the same page, a reload, the snapshot of a test): it is reused rather than
     * replaced, so the first tab's answer still counts. Single use holds: `take` spends it.
     */
    async pending(kind: CeremonyKind, scope: string, accountId: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
      const raw = await transient.get(key(kind, scope, accountId));
      const kept = raw ? (JSON.parse(raw) as Kept) : undefined;
      return kept && kept.accountId === accountId ? new Uint8Array(Buffer.from(kept.challenge, 'base64url')) : undefined;
    },

    /** The challenge of this ceremony, scope and account, spent on reading; undefined when none (expired, used, another's). */
    async take(kind: CeremonyKind, scope: string, accountId: string): Promise<string | undefined> {
      const raw = await transient.take(key(kind, scope, accountId));
      if (!raw) return undefined;
      const kept = JSON.parse(raw) as Kept;
      return kept.accountId === accountId ? kept.challenge : undefined;
    },
  };
}

export type PasskeyChallenges = ReturnType<typeof passkeyChallenges>;
