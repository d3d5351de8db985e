import { createHmac, randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { ConfigError } from '../../config/config-error.ts';
import { describeProblem, dottedPath } from '../../config/describe-problem.ts';
import { PURPOSE_SECRETS, type PurposeSecrets } from '../../config/purpose-secrets.ts';

/** The hosted provider's own purposes beside the plugin's: the HMAC of "Forgot password?" links. */
export interface HostedSecrets extends PurposeSecrets {
  passwordResets: string[];
}

/** Fresh secrets for every purpose: 256 random bits each. */
export function generatePurposeSecrets(): HostedSecrets {
  const fresh = () => [randomBytes(32).toString('base64url')];
  return { csrf: fresh(), textCodes: fresh(), trustedDevices: fresh(), loginDevices: fresh(), passwordResets: fresh() };
}

/**
 * A keys file written before it held `secrets`: each purpose's secret derived from the first
 * cookie key exactly as earlier versions did (HMAC as a KDF, labelled), so trusted devices, text
 * codes and device cookies made then stay valid. Add `secrets` (keys generate writes them) to
 * rotate each on its own.
 */
const derivedFrom = (cookieKey: string, purpose: string) => createHmac('sha256', cookieKey).update(`oidc-mfa ${purpose}`).digest('base64url');

function derivedFromCookieKey(cookieKey: string): HostedSecrets {
  const derived = (purpose: string) => derivedFrom(cookieKey, purpose);
  return { csrf: [cookieKey], textCodes: [derived('sms-codes')], trustedDevices: [derived('trusted-device')], loginDevices: [derived('login-device')], passwordResets: [derived('password-reset')] };
}

const SECRETS_ENTRY = v.object({ secrets: v.object({ ...PURPOSE_SECRETS.entries, passwordResets: v.optional(PURPOSE_SECRETS.entries.csrf) }, PURPOSE_SECRETS.message) });

/** The keys file's `secrets`, checked (errors name the path, never the value); `file` only names it in errors. */
export function purposeSecretsOf(raw: { cookieKeys: string[]; secrets?: unknown }, file: string): HostedSecrets {
  if (raw.secrets === undefined) return derivedFromCookieKey(raw.cookieKeys[0]!);
  const result = v.safeParse(SECRETS_ENTRY, { secrets: raw.secrets }, { abortEarly: true });
  // A file from before reset links derives theirs from its first cookie key; add passwordResets to rotate it.
  if (result.success) return { ...result.output.secrets, passwordResets: result.output.secrets.passwordResets ?? [derivedFrom(raw.cookieKeys[0]!, 'password-reset')] };
  const { path, problem } = describeProblem(result.issues);
  throw new ConfigError(`${file}: ${dottedPath(path)}`, problem);
}
