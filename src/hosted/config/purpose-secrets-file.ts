import { createHmac, randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { ConfigError } from '../../config/config-error.ts';
import { describeProblem, dottedPath } from '../../config/describe-problem.ts';
import { PURPOSE_SECRETS, type PurposeSecrets } from '../../config/purpose-secrets.ts';

/** Fresh secrets for every purpose: 256 random bits each. */
export function generatePurposeSecrets(): PurposeSecrets {
  const fresh = () => [randomBytes(32).toString('base64url')];
  return { csrf: fresh(), textCodes: fresh(), trustedDevices: fresh(), loginDevices: fresh() };
}

/**
 * A keys file written before it held `secrets`: each purpose's secret derived from the first
 * cookie key exactly as earlier versions did (HMAC as a KDF, labelled), so trusted devices, text
 * codes and device cookies made then stay valid. Add `secrets` (keys generate writes them) to
 * rotate each on its own.
 */
function derivedFromCookieKey(cookieKey: string): PurposeSecrets {
  const derived = (purpose: string) => createHmac('sha256', cookieKey).update(`oidc-mfa ${purpose}`).digest('base64url');
  return { csrf: [cookieKey], textCodes: [derived('sms-codes')], trustedDevices: [derived('trusted-device')], loginDevices: [derived('login-device')] };
}

const SECRETS_ENTRY = v.object({ secrets: PURPOSE_SECRETS });

/** The keys file's `secrets`, checked (errors name the path, never the value); `file` only names it in errors. */
export function purposeSecretsOf(raw: { cookieKeys: string[]; secrets?: unknown }, file: string): PurposeSecrets {
  if (raw.secrets === undefined) return derivedFromCookieKey(raw.cookieKeys[0]!);
  const result = v.safeParse(SECRETS_ENTRY, { secrets: raw.secrets }, { abortEarly: true });
  if (result.success) return result.output.secrets;
  const { path, problem } = describeProblem(result.issues);
  throw new ConfigError(`${file}: ${dottedPath(path)}`, problem);
}
