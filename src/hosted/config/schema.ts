import * as v from 'valibot';
import type { JWK } from 'oidc-provider';
import { ConfigError } from '../../config/config-error.ts';
import { describeProblem, dottedPath } from '../../config/describe-problem.ts';
import { BODY_LIMIT_BYTES, LOGIN_LIMITS, MFA_SETTINGS, type LoginLimits, type MfaSettings } from '../../config/settings-schema.ts';
import { boolean, integer, issuerUrl, oneOf, optionalText, text } from '../../config/setting-rules.ts';
import { SMS_SECTION, smsSettingsFor, type SmsSettings } from '../../config/sms-schema.ts';

export type { MfaSettings } from '../../config/settings-schema.ts';

export type NodeEnv = 'development' | 'production' | 'test';

import type { SealingKey } from '../../crypto/secret-box.ts';
import type { PurposeSecrets } from '../../config/purpose-secrets.ts';
export type { SealingKey };

export interface Keys {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  /** The first key seals; all of them open (rotation). */
  sealingKeys: SealingKey[];
  /** Server secrets per purpose, newest first. */
  secrets: PurposeSecrets;
}

export interface Config {
  env: NodeEnv;
  port: number;
  /** The interface to listen on; null listens on all of them (as a container must). */
  host: string | null;
  issuer: string;
  dataDir: string;
  clientsFile: string;
  /** JSON file with signing, cookie and sealing keys; required in production. */
  keysFile: string | null;
  trustProxy: boolean;
  redis: { url: string | null; prefix: string };
  /** Deadline of every store call in ms (STORE_TIMEOUT_MS): past it the page answers 503 instead of hanging. */
  storeTimeoutMs: number;
  demoApp: { enabled: boolean; port: number };
  http: { bodyLimitBytes: number };
  login: LoginLimits;
  mfa: MfaSettings;
  sms: SmsSettings;
  ttl: {
    interactionSeconds: number;
    sessionSeconds: number;
    grantSeconds: number;
    authorizationCodeSeconds: number;
    accessTokenSeconds: number;
    idTokenSeconds: number;
    refreshTokenSeconds: number;
  };
}

const SECONDS_PER_YEAR = 31_536_000;
const DAY = 86_400;
const lifetime = (fallback: number) => integer(1, SECONDS_PER_YEAR, fallback);
const OBJECT = 'must be an object';
const PORT = (fallback: number) => integer(0, 65535, fallback);

/**
 * The hosted app's configuration: every setting, its bounds and its default. config/*.json and
 * the environment (load-config.ts) only override. The MFA, login, SMS and body-size settings are
 * the plugin's own pieces (settings-schema.ts), so both read the same defaults.
 */
const CONFIG = v.strictObject({
  env: oneOf(['development', 'production', 'test'], 'development'),
  port: PORT(3000),
  host: optionalText(),
  issuer: v.optional(issuerUrl, 'http://localhost:3000'),
  dataDir: text('./data'),
  clientsFile: text('config/clients.json'),
  keysFile: optionalText(),
  trustProxy: boolean(false),
  redis: v.optional(v.strictObject({
    url: v.nullish(v.pipe(v.string('must start with redis:// or rediss://'), v.regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')), null),
    prefix: text('oidc-mfa:'),
  }, OBJECT), {}),
  // Long enough for a busy Redis's slowest script, short enough that a person sees a 503 page
  // rather than a spinner; at most a minute.
  storeTimeoutMs: integer(100, 60_000, 3000),
  demoApp: v.optional(v.strictObject({ enabled: boolean(true), port: PORT(3001) }, OBJECT), {}),
  http: v.optional(v.strictObject({ bodyLimitBytes: BODY_LIMIT_BYTES }, OBJECT), {}),
  login: v.optional(LOGIN_LIMITS, {}),
  mfa: v.optional(MFA_SETTINGS, {}),
  sms: v.optional(SMS_SECTION, {}),
  ttl: v.optional(v.strictObject({
    interactionSeconds: lifetime(1800),
    sessionSeconds: lifetime(14 * DAY),
    grantSeconds: lifetime(14 * DAY),
    // RFC 6749 §4.1.2: an authorization code is short-lived; ten minutes at most.
    authorizationCodeSeconds: integer(1, 600, 60),
    accessTokenSeconds: lifetime(3600),
    idTokenSeconds: lifetime(3600),
    refreshTokenSeconds: lifetime(14 * DAY),
  }, OBJECT), {}),
}, OBJECT);

/** Settings the environment sets, named with their variable so the operator knows what to change. */
const LABELS: Record<string, string> = {
  env: 'config.env (NODE_ENV)',
  'redis.url': 'config.redis.url (REDIS_URL)',
  'mfa.supportUrl': 'config.mfa.supportUrl (SUPPORT_URL)',
  'sms.provider': 'config.sms.provider (SMS_PROVIDER)',
  'sms.outboxFile': 'config.sms.outboxFile (SMS_OUTBOX)',
  'sms.allowedCountries': 'config.sms.allowedCountries (SMS_ALLOWED_COUNTRIES)',
};

function labelOf(path: (string | number)[]): string {
  const dotted = dottedPath(path);
  if (!dotted) return 'config';
  return LABELS[dotted] ?? `config.${dotted}`;
}

/** Rules the schema cannot see alone: production's. */
function issuerFor(issuer: string, env: NodeEnv): string {
  if (env === 'production' && new URL(issuer).protocol !== 'https:') throw new ConfigError('config.issuer', 'must use https when NODE_ENV=production');
  return issuer.replace(/\/$/, '');
}

/** Checks the merged configuration once, at start-up; the first problem stops the process. */
export function validateConfig(input: unknown): Config {
  const result = v.safeParse(CONFIG, input, { abortEarly: true });
  if (!result.success) {
    const { path, problem } = describeProblem(result.issues);
    throw new ConfigError(labelOf(path), problem);
  }
  const config = result.output;
  return {
    ...config,
    issuer: issuerFor(config.issuer, config.env),
    sms: smsSettingsFor(config.sms, config.env),
  };
}
