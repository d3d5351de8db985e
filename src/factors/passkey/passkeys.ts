import { randomUUID } from 'node:crypto';
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type AuthenticatorTransport, type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Clock } from '../../clock.ts';
import { hashPassword as hashSecret } from '../../crypto/password-hash.ts';
import type { FactorGuard } from '../../guard/factor-guard.ts';
import type { Credential, MethodSetUp, MfaStore, TransientStore } from '../../mfa/mfa-store.ts';
import { canonicalBackupCode, newBackupCode } from '../backup-code/backup-code.ts';
import { attestedByAnchors, type TrustAnchors } from './attestation-trust.ts';
import { NO_ACCOUNT_YET, PASSKEY_CEREMONY_SECONDS, passkeyChallenges } from './passkey-challenges.ts';
import { accountOfUserHandle, userHandleOf, type RelyingParty } from './relying-party.ts';

export interface PasskeysDeps {
  store: MfaStore;
  guard: FactorGuard;
  transient: TransientStore;
  clock: Clock;
  rp: RelyingParty;
  /** The operator's attestation roots; none: attestation `none`, and no passkey is ever hardware-bound. */
  attestationRoots?: TrustAnchors;
}

/** What a passkey that just signed in tells: which of the account's methods, its backup flags, whether it is hardware-bound. */
export interface PasskeyUse {
  methodId: string;
  backupEligible: boolean;
  backupState: boolean;
  hardwareBound: boolean;
}

export type RegisterOutcome = { ok: true; backupCode: string } | { ok: false; problem: 'SETUP_EXPIRED' | 'PASSKEY_FAILED' };

type PasskeyMethod = Credential & { passkey: NonNullable<Credential['passkey']> };

const isPasskey = (credential: Credential): credential is PasskeyMethod => credential.type === 'passkey' && credential.passkey !== undefined;

/**
 * The two WebAuthn ceremonies (WebAuthn L3 §7.1 registration, §7.2 authentication) for one RP,
 * with @simplewebauthn/server doing the byte-level checks. What is ours: user verification is
 * required in both (the passkey is then something you have AND something you are or know,
 * NIST SP 800-63B rev 4 §3.1.7); attestation `none` unless the operator gave attestation roots
 * (then `direct`, and a device-bound key attested to one of them is recorded as hardware-bound:
 * attestation-trust.ts); challenges bound to scope and account (passkey-challenges.ts); the
 * counter and BS flag written only through the store's conditional write.
 */
export function createPasskeys({ store, guard, transient, clock, rp, attestationRoots = [] }: PasskeysDeps) {
  const challenges = passkeyChallenges(transient);
  const passkeysOf = async (accountId: string) => ((await store.get(accountId))?.credentials ?? []).filter(isPasskey);
  const descriptor = (method: PasskeyMethod) => ({ id: method.passkey.credentialId, transports: method.passkey.transports as AuthenticatorTransport[] });

  return {
    /** Options for navigator.credentials.create() (the browser's passkey dialog); the challenge kept for `scope` and the account. */
    async registrationOptions(accountId: string, userName: string, scope: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const options = await generateRegistrationOptions({
        challenge: await challenges.pending('register', scope, accountId),
        rpName: rp.name,
        rpID: rp.id,
        userID: userHandleOf(accountId),
        userName,
        userDisplayName: userName,
        timeout: PASSKEY_CEREMONY_SECONDS * 1000,
        attestationType: attestationRoots.length > 0 ? 'direct' : 'none',
        // The same authenticator twice is refused by the browser itself (WebAuthn L3 §5.4.3 excludeCredentials).
        excludeCredentials: (await passkeysOf(accountId)).map(descriptor),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      });
      await challenges.keep('register', scope, accountId, options.challenge);
      return options;
    },

    /**
     * Checks a new credential against this scope's challenge (spent either way) and adds it as a
     * method with a new backup code. Nothing is stored unless every check passed.
     */
    async register(accountId: string, scope: string, response: RegistrationResponseJSON, name: string, setUp: MethodSetUp): Promise<RegisterOutcome> {
      const expectedChallenge = await challenges.take('register', scope, accountId);
      if (!expectedChallenge) return { ok: false, problem: 'SETUP_EXPIRED' };
      let verified;
      try {
        verified = await verifyRegistrationResponse({
          response, expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true,
        });
      } catch {
        return { ok: false, problem: 'PASSKEY_FAILED' };
      }
      if (!verified.verified) return { ok: false, problem: 'PASSKEY_FAILED' };
      const info = verified.registrationInfo;
      const backupCode = newBackupCode();
      // WebAuthn L3 §7.1 step 26: a credential id registered already (to any account) is refused by the store.
      const added = await store.addCredential(accountId, {
        id: randomUUID(), type: 'passkey', setUp, sealedSecret: null, lastAcceptedStep: null, phone: null,
        passkey: {
          credentialId: info.credential.id,
          publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
          counter: info.credential.counter,
          transports: info.credential.transports ?? response.response.transports ?? [],
          backupEligible: info.credentialDeviceType === 'multiDevice',
          backupState: info.credentialBackedUp,
          name,
          // Device-bound (BE unset: WebAuthn L3 §6.1.3) and attested to the operator's roots.
          hardwareBound: info.credentialDeviceType === 'singleDevice' && attestedByAnchors(info.attestationObject, attestationRoots, clock()),
        },
      }, await hashSecret(canonicalBackupCode(backupCode)!), clock());
      if (!added) return { ok: false, problem: 'PASSKEY_FAILED' };
      await guard.unlock(accountId, 'passkey');
      return { ok: true, backupCode };
    },

    /**
     * Options for navigator.credentials.get(): the account's passkeys only (its hardware-bound
     * ones when the app demands `phrh`); the challenge kept for `scope` and the account.
     */
    async authenticationOptions(accountId: string, scope: string, hardwareOnly = false): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const allowed = (await passkeysOf(accountId)).filter((method) => !hardwareOnly || method.passkey.hardwareBound);
      const options = await generateAuthenticationOptions({
        challenge: await challenges.pending('authenticate', scope, accountId),
        rpID: rp.id,
        allowCredentials: allowed.map(descriptor),
        userVerification: 'required',
        timeout: PASSKEY_CEREMONY_SECONDS * 1000,
      });
      await challenges.keep('authenticate', scope, accountId, options.challenge);
      return options;
    },

    /**
     * An assertion by one of this account's passkeys, against this scope's challenge (spent
     * either way), with user verification, and a signature counter that went forward. Failures
     * count against the factor's lock like wrong codes; undefined for every kind of failure.
     */
    async authenticate(accountId: string, scope: string, response: AuthenticationResponseJSON): Promise<PasskeyUse | undefined> {
      if (!(await guard.attempt(accountId, 'passkey'))) return undefined;
      const use = await check(accountId, scope, response);
      await (use ? guard.recordSuccess(accountId, 'passkey') : guard.recordFailure(accountId, 'passkey'));
      return use;
    },

    /**
     * "Sign in with a passkey": options with no allowCredentials, so the authenticator offers the
     * discoverable credentials it holds for this RP (WebAuthn L3 §5.4.4); the challenge is bound
     * to `scope` (the interaction) alone, as no account is known yet.
     */
    async discoverableOptions(scope: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const options = await generateAuthenticationOptions({
        challenge: await challenges.pending('discover', scope, NO_ACCOUNT_YET), rpID: rp.id, userVerification: 'required', timeout: PASSKEY_CEREMONY_SECONDS * 1000,
      });
      await challenges.keep('discover', scope, NO_ACCOUNT_YET, options.challenge);
      return options;
    },

    /**
     * The assertion of a discoverable credential: its user handle names the account, whose own
     * passkeys must hold the credential; then the same checks as after a password. Failures here
     * do not count against the account's passkey lock: anyone can name any account's user handle,
     * and a lock anyone can trip is a weapon against the owner (DESIGN.md), while guessing an
     * ES256 signature is hopeless. Undefined for every kind of failure.
     */
    async authenticateDiscoverable(scope: string, response: AuthenticationResponseJSON): Promise<{ accountId: string; use: PasskeyUse } | undefined> {
      const expectedChallenge = await challenges.take('discover', scope, NO_ACCOUNT_YET);
      const accountId = accountOfUserHandle(response.response.userHandle);
      if (!expectedChallenge || !accountId) return undefined;
      const use = await verify(accountId, expectedChallenge, response);
      return use && { accountId, use };
    },

    rename: (accountId: string, methodId: string, name: string) => store.renamePasskey(accountId, methodId, name),
  };

  async function check(accountId: string, scope: string, response: AuthenticationResponseJSON): Promise<PasskeyUse | undefined> {
    const expectedChallenge = await challenges.take('authenticate', scope, accountId);
    if (!expectedChallenge) return undefined;
    return verify(accountId, expectedChallenge, response);
  }

  async function verify(accountId: string, expectedChallenge: string, response: AuthenticationResponseJSON): Promise<PasskeyUse | undefined> {
    // Only this account's credentials: another account's passkey is simply unknown here (WebAuthn L3 §7.2 step 5).
    const method = (await passkeysOf(accountId)).find((candidate) => candidate.passkey.credentialId === response.id);
    if (!method) return undefined;
    // A user handle, when the authenticator gives one, must be this account's (WebAuthn L3 §7.2 step 6).
    const handle = response.response.userHandle;
    if (handle && handle !== Buffer.from(userHandleOf(accountId)).toString('base64url')) return undefined;
    let verified;
    try {
      verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        credential: { id: method.passkey.credentialId, publicKey: new Uint8Array(Buffer.from(method.passkey.publicKey, 'base64url')), counter: method.passkey.counter },
        requireUserVerification: true,
      });
    } catch {
      // A counter that went back, a wrong origin, RP ID or signature, UV missing: all the same failure.
      return undefined;
    }
    if (!verified.verified || !verified.authenticationInfo.userVerified) return undefined;
    const { newCounter, credentialBackedUp } = verified.authenticationInfo;
    // The conditional write is the real replay guard: of two racing uses with one counter, one wins.
    if (!(await store.acceptPasskeyUse(accountId, method.id, newCounter, credentialBackedUp, clock()))) return undefined;
    return { methodId: method.id, backupEligible: method.passkey.backupEligible, backupState: credentialBackedUp, hardwareBound: method.passkey.hardwareBound };
  }
}

export type Passkeys = ReturnType<typeof createPasskeys>;
