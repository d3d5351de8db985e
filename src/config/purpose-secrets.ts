import * as v from 'valibot';

/**
 * One list of server secrets per purpose, newest first (the first makes, all are accepted:
 * crypto/mac-ring.ts). Separate, so rotating one voids nothing made for another — a new CSRF
 * secret does not forget every trusted device.
 */
export interface PurposeSecrets {
  /** CSRF tokens of the plugin's forms. */
  csrf: string[];
  /** Hashes of the text-message codes kept in the store (for the code's few minutes). */
  textCodes: string[];
  /** Hashes of "Trust this device" tokens kept in the store (for the trust's days). */
  trustedDevices: string[];
  /** Device cookies of the password throttle (OWASP's device cookies). */
  loginDevices: string[];
}

/** 32 characters at the least: a base64url 256-bit secret has 43. */
const SECRET_LIST = v.pipe(
  v.array(v.pipe(v.string('must be strings'), v.minLength(32, 'must each be 32 characters or more')), 'must be a list of secrets'),
  v.minLength(1, 'must hold at least one secret'),
);

export const PURPOSE_SECRETS = v.object({
  csrf: SECRET_LIST,
  textCodes: SECRET_LIST,
  trustedDevices: SECRET_LIST,
  loginDevices: SECRET_LIST,
}, 'must be {csrf, textCodes, trustedDevices, loginDevices}, each a list of secrets');
