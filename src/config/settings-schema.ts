import * as v from 'valibot';
import { accentColour, COUNTRY_CODE, domainName, httpUrl, integer, oneOf, optionalText, shortName, trustAnchors } from './setting-rules.ts';

/**
 * The settings the MFA plugin and the hosted app share, each with its bounds and its default:
 * this file is the one place a default lives. createMfa() parses a host's options through these
 * (plugin-options.ts); the hosted app's config loader uses the same pieces (schema.ts), so the
 * two cannot drift apart.
 */

export const MFA_SETTINGS = v.pipe(
  v.strictObject({
    /** optional: people opt in from the Security page; required: enrolment during sign-in for anyone without MFA. */
    enforcement: oneOf(['optional', 'required'], 'optional'),
    /**
     * The brand (issue 13 §7). The product name people know the service by: page titles, the
     * text message ("123456 is your <name> code"), the authenticator label's default. Null: the
     * issuer's host name (what the address bar shows).
     */
    productName: shortName(),
    /** The name authenticator apps show beside the account (the otpauth issuer), and the passkey RP name. Null: productName. */
    issuerLabel: shortName(),
    /** A logo shown at the top of every page: an http(s) URL; its origin joins the CSP's img-src. Null: none. */
    logoUrl: v.nullish(httpUrl, null),
    /** Links, buttons and focus ring in the light scheme: #rrggbb with 4.5:1 on white. Null: the built-in blue. */
    primaryColor: v.nullish(accentColour, null),
    /**
     * How recent a sign-in must be for a sensitive change (enable MFA, new backup code): five
     * minutes by default, at most a day (beyond that "recent" means little).
     */
    reauthWithinSeconds: integer(30, 86_400, 300),
    /** Wrong codes in a row before the factor locks, with backoff. At least 1: the lock rounds divide by it. */
    lockAfterFailures: integer(1, 100, 5),
    /** Wrong codes in all before an operator must unlock (NIST SP 800-63B §5.2.2: at most 100). */
    maxFailures: integer(1, 100, 100),
    /** How long an unfinished setup (a secret not yet confirmed) is kept. */
    setupTtlSeconds: integer(60, 86_400, 900),
    /** How long "Trust this device" lasts; at most 400 days, the longest a browser keeps a cookie (RFC 6265bis). */
    trustedDeviceDays: integer(1, 400, 30),
    /** Where the code page's "Can't use a code?" sends people: the operator's support. */
    supportUrl: v.nullish(httpUrl, null),
    supportEmail: optionalText(),
    /**
     * The passkeys' RP ID (WebAuthn L3 §5.1.1); null: the issuer's host name. A parent domain
     * (example.com for id.example.com) lets passkeys outlive a move to another sub-domain; it must
     * never be changed once passkeys exist, since each is bound to the RP ID it was made for.
     */
    passkeyRpId: v.nullish(domainName, null),
    /**
     * Attestation roots (PEM CA certificates) the operator trusts to say a key lives in hardware
     * (e.g. a security-key vendor's root from the FIDO Metadata Service). Empty (the default):
     * passkeys are registered with attestation `none` and no sign-in is `phrh`. With roots,
     * registration asks for `direct` attestation and a device-bound key whose chain leads to one
     * of them makes its sign-ins `phrh` (EAP ACR Values 1.0).
     */
    passkeyAttestationRoots: v.optional(trustAnchors, []),
  }, 'must be an object'),
  v.forward(
    v.partialCheck([['lockAfterFailures'], ['maxFailures']], (s) => s.lockAfterFailures <= s.maxFailures, 'must not be more than maxFailures'),
    ['lockAfterFailures'],
  ),
);

/** Password sign-in throttling (OWASP ASVS 5.0 V6: limit failed attempts per account and per source). */
export const LOGIN_LIMITS = v.strictObject({
  maxFailuresPerAccount: integer(1, 1000, 10),
  maxFailuresPerIp: integer(1, 100_000, 100),
  failureWindowSeconds: integer(1, 86_400, 900),
}, 'must be an object');

/**
 * Text-message codes: their lifetime and the budget that keeps SMS pumping from paying
 * (OWASP ASVS 5.0 V6). Loose: the hosted app hands its whole `sms` section over.
 */
export const SMS_LIMITS = v.object({
  /** NIST SP 800-63B rev 4 §3.1.3.2: an out-of-band code is short-lived; 10 minutes at most here. */
  codeTtlSeconds: integer(60, 600, 600),
  /** Seconds between two codes for one account (for one purpose). */
  resendCooldownSeconds: integer(1, 3600, 30),
  /** 5 by default; up to 1000 for a deployment with abuse controls of its own in front. */
  perAccountPerHour: integer(1, 1000, 5),
  perNumberPerDay: integer(1, 1000, 10),
  perIpPerHour: integer(1, 100_000, 20),
  /** Every text this deployment sends in an hour; past it the breaker is open. */
  globalPerHour: integer(1, 10_000_000, 500),
  /** ISO 3166 alpha-2 codes numbers may belong to; null allows any country. */
  allowedCountries: v.nullish(
    v.pipe(v.array(v.string(), 'must be a list of ISO 3166 alpha-2 codes'), v.minLength(1, 'must list at least one country, or be null for any'),
      v.check((codes) => codes.every((c) => COUNTRY_CODE.test(c)), 'must be a list of ISO 3166 alpha-2 codes like ["US","GB"]')),
    null,
  ),
}, 'must be an object');

/** The largest form body the pages read; a sign-in form is far smaller. */
export const BODY_LIMIT_BYTES = integer(1024, 1_048_576, 16_384);

export type MfaSettings = v.InferOutput<typeof MFA_SETTINGS>;
export type LoginLimits = v.InferOutput<typeof LOGIN_LIMITS>;
export type SmsLimits = v.InferOutput<typeof SMS_LIMITS>;

/** The defaults, read off the schema (nothing given, everything defaulted). */
export const DEFAULT_MFA_SETTINGS: MfaSettings = Object.freeze(v.parse(MFA_SETTINGS, {}));
export const DEFAULT_LOGIN_LIMITS: LoginLimits = Object.freeze(v.parse(LOGIN_LIMITS, {}));
export const DEFAULT_SMS_LIMITS: SmsLimits = Object.freeze(v.parse(SMS_LIMITS, {}));
export const DEFAULT_BODY_LIMIT_BYTES: number = v.parse(BODY_LIMIT_BYTES, undefined);
