/**
 * Authentication Context Class References we issue (OpenID Connect Core §2, `acr`), and the
 * RFC 8176 Authentication Method Reference values (`amr`) that go with them.
 * Each value names what actually happened in this authentication, nothing more.
 */
export const ACR = {
  /** Something you know: the password alone. */
  password: 'urn:oidc-mfa:password',
  /** Password and a second factor, in this authentication. */
  mfa: 'urn:oidc-mfa:mfa',
  /**
   * Password on a browser trusted after an earlier second factor: the second factor did not
   * happen in this authentication, so amr stays ["pwd"] and the level says so.
   */
  rememberedDevice: 'urn:oidc-mfa:mfa:remembered-device',
  /**
   * Password and a code from a second factor that was set up in this same sign-in, on the
   * strength of the password alone: whoever knew the password could have bound their own
   * authenticator. Issued instead of `mfa` so a relying app can tell the two apart (issue 9 §4);
   * a client's `accept_mfa_set_up_at_sign_in` says whether it satisfies `require_mfa`.
   */
  mfaSetUpAtSignIn: 'urn:oidc-mfa:mfa:set-up-at-sign-in',
  /**
   * OpenID Connect EAP ACR Values 1.0 §2 `phr`: phishing-resistant authentication — here the
   * password and a passkey with user verification, bound to our origin (WebAuthn L3 §13.4.9).
   */
  phishingResistant: 'phr',
  /**
   * EAP ACR Values 1.0 §2 `phrh`: phishing-resistant and hardware-protected — a passkey shown at
   * registration to be bound to one device and attested to one of the operator's trust anchors
   * (attestation-trust.ts). Never issued without anchors configured. It also meets `phr`.
   */
  phishingResistantHardware: 'phrh',
} as const;

/** OpenID Provider Authentication Policy Extension 1.0: accepted in acr_values as a synonym of ACR.mfa. */
export const PAPE_MULTI_FACTOR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** acr_values that ask for a second factor. */
export const MFA_ACR_REQUESTS: ReadonlySet<string> = new Set([ACR.mfa, PAPE_MULTI_FACTOR, ACR.mfaSetUpAtSignIn, ACR.phishingResistant, ACR.phishingResistantHardware]);

/**
 * RFC 8176 §2 values: pwd (password), otp (one-time password), sms (code by text message),
 * mfa (more than one factor). `backup-code` is ours: a single-use look-up secret
 * (NIST SP 800-63B §5.1.2), which RFC 8176 has no value for.
 */
export const AMR = {
  password: ['pwd'],
  totp: ['pwd', 'otp', 'mfa'],
  sms: ['pwd', 'sms', 'mfa'],
  backupCode: ['pwd', 'mfa', 'backup-code'],
  /**
   * A passkey after the password: `pop` (proof of possession of a key, the value OpenID Connect
   * EAP ACR Values 1.0 registers for when hardware or software protection is unknown — with
   * attestation `none` it always is, so neither RFC 8176's `hwk` nor `swk` is claimed), `user`
   * (RFC 8176: user presence and verification; WebAuthn L3 flag UV, required), and `mfa`.
   */
  passkey: ['pwd', 'pop', 'user', 'mfa'],
  /**
   * "Sign in with a passkey", no password: a discoverable credential with user verification is
   * itself multi-factor (something you have, unlocked by something you are or know: NIST SP
   * 800-63B rev 4 §3.1.7, multi-factor cryptographic authenticator), so `mfa` without `pwd`.
   */
  passkeyOnly: ['pop', 'user', 'mfa'],
  /** The same with a passkey shown to be hardware-bound: RFC 8176 `hwk` (proof of possession of a hardware-secured key) instead of `pop`. */
  passkeyHardware: ['pwd', 'hwk', 'user', 'mfa'],
  passkeyOnlyHardware: ['hwk', 'user', 'mfa'],
} as const;

/** Advertised in discovery (`acr_values_supported`); oidc-provider adds `acr` to ID tokens only when non-empty. */
export const ACR_VALUES_SUPPORTED = [ACR.password, ACR.rememberedDevice, ACR.mfaSetUpAtSignIn, ACR.mfa, PAPE_MULTI_FACTOR, ACR.phishingResistant];

/** What discovery lists: `phrh` only when the operator configured attestation roots (nothing else can issue it). */
export function acrValuesSupported(hardwareAttestation: boolean): string[] {
  return hardwareAttestation ? [...ACR_VALUES_SUPPORTED, ACR.phishingResistantHardware] : [...ACR_VALUES_SUPPORTED];
}
