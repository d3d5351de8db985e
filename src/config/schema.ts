import type { JWK } from 'oidc-provider';
import { ConfigError } from './config-error.ts';
import { validateSmsSettings, type SmsSettings } from './sms-schema.ts';

export type NodeEnv = 'development' | 'production' | 'test';

export interface SealingKey {
  id: string;
  /** 32 bytes for AES-256-GCM. */
  key: Buffer;
}

export interface Keys {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  /** The first key seals; all of them open (rotation). */
  sealingKeys: SealingKey[];
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
  login: { maxFailuresPerAccount: number; maxFailuresPerIp: number; failureWindowSeconds: number };
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

export interface MfaSettings {
  /** optional: people opt in from the Security page; required: enrolment during sign-in for anyone without MFA. */
  enforcement: 'optional' | 'required';
  /** The issuer name authenticator apps show beside the account. */
  issuerLabel: string;
  /** How recent a sign-in must be for a sensitive change (enable MFA, new backup code). */
  reauthWithinSeconds: number;
  /** Wrong codes in a row before the factor locks, with backoff. */
  lockAfterFailures: number;
  /** Wrong codes in all before an operator must unlock (NIST SP 800-63B §5.2.2: at most 100). */
  maxFailures: number;
  /** How long an unfinished setup (a secret not yet confirmed) is kept. */
  setupTtlSeconds: number;
  /** How long "Trust this device" lasts. */
  trustedDeviceDays: number;
  /** Where the code page's "Can't use a code?" sends people: the operator's support. */
  supportUrl: string | null;
  supportEmail: string | null;
}

type Raw = Record<string, unknown>;

function objectAt(raw: unknown, path: string): Raw {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(path, 'must be an object');
  return raw as Raw;
}

function intAt(raw: Raw, key: string, path: string, min: number, max: number): number {
  const value = raw[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${path}.${key}`, `must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}

function stringAt(raw: Raw, key: string, path: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(`${path}.${key}`, `must be a non-empty string (got ${JSON.stringify(value)})`);
  }
  return value;
}

function boolAt(raw: Raw, key: string, path: string): boolean {
  const value = raw[key];
  if (typeof value !== 'boolean') throw new ConfigError(`${path}.${key}`, `must be true or false (got ${JSON.stringify(value)})`);
  return value;
}

function issuerAt(raw: Raw, env: NodeEnv): string {
  const issuer = stringAt(raw, 'issuer', 'config');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError('config.issuer', `must be an absolute URL (got ${JSON.stringify(issuer)})`);
  }
  if (url.search || url.hash) throw new ConfigError('config.issuer', 'must not have a query or fragment (OpenID Connect Discovery 1.0 §2)');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('config.issuer', 'must be an http(s) URL');
  if (env === 'production' && url.protocol !== 'https:') throw new ConfigError('config.issuer', 'must use https when NODE_ENV=production');
  return issuer.replace(/\/$/, '');
}

const SECONDS_PER_YEAR = 31_536_000;

function supportUrlAt(mfa: Raw): string | null {
  if (mfa.supportUrl == null) return null;
  const value = stringAt(mfa, 'supportUrl', 'config.mfa');
  if (!/^https?:\/\//.test(value)) throw new ConfigError('config.mfa.supportUrl (SUPPORT_URL)', 'must be an http(s) URL');
  return value;
}

/** Checks the merged configuration once, at start-up; the first problem stops the process. */
export function validateConfig(input: unknown): Config {
  const raw = objectAt(input, 'config');
  const env = raw.env;
  if (env !== 'development' && env !== 'production' && env !== 'test') {
    throw new ConfigError('config.env (NODE_ENV)', `must be development, production or test (got ${JSON.stringify(env)})`);
  }
  const redis = objectAt(raw.redis, 'config.redis');
  const redisUrl = redis.url ?? null;
  if (redisUrl !== null) {
    if (typeof redisUrl !== 'string' || !/^rediss?:\/\//.test(redisUrl)) {
      throw new ConfigError('config.redis.url (REDIS_URL)', 'must start with redis:// or rediss://');
    }
  }
  const demoApp = objectAt(raw.demoApp, 'config.demoApp');
  const http = objectAt(raw.http, 'config.http');
  const login = objectAt(raw.login, 'config.login');
  const ttl = objectAt(raw.ttl, 'config.ttl');
  const mfa = objectAt(raw.mfa, 'config.mfa');
  if (mfa.enforcement !== 'optional' && mfa.enforcement !== 'required') {
    throw new ConfigError('config.mfa.enforcement', `must be "optional" or "required" (got ${JSON.stringify(mfa.enforcement)})`);
  }
  const ttlSeconds = (key: string) => intAt(ttl, key, 'config.ttl', 1, SECONDS_PER_YEAR);
  return {
    env,
    port: intAt(raw, 'port', 'config', 0, 65535),
    host: raw.host == null ? null : stringAt(raw, 'host', 'config'),
    issuer: issuerAt(raw, env),
    dataDir: stringAt(raw, 'dataDir', 'config'),
    clientsFile: stringAt(raw, 'clientsFile', 'config'),
    keysFile: raw.keysFile == null ? null : stringAt(raw, 'keysFile', 'config'),
    trustProxy: boolAt(raw, 'trustProxy', 'config'),
    redis: { url: redisUrl as string | null, prefix: stringAt(redis, 'prefix', 'config.redis') },
    // Long enough for a busy Redis's slowest script, short enough that a person sees a 503 page
    // rather than a spinner; at most a minute.
    storeTimeoutMs: intAt(raw, 'storeTimeoutMs', 'config', 100, 60_000),
    demoApp: { enabled: boolAt(demoApp, 'enabled', 'config.demoApp'), port: intAt(demoApp, 'port', 'config.demoApp', 0, 65535) },
    http: { bodyLimitBytes: intAt(http, 'bodyLimitBytes', 'config.http', 1024, 1_048_576) },
    login: {
      maxFailuresPerAccount: intAt(login, 'maxFailuresPerAccount', 'config.login', 1, 1000),
      maxFailuresPerIp: intAt(login, 'maxFailuresPerIp', 'config.login', 1, 100_000),
      failureWindowSeconds: intAt(login, 'failureWindowSeconds', 'config.login', 1, 86_400),
    },
    mfa: {
      enforcement: mfa.enforcement,
      issuerLabel: stringAt(mfa, 'issuerLabel', 'config.mfa'),
      reauthWithinSeconds: intAt(mfa, 'reauthWithinSeconds', 'config.mfa', 30, 3600),
      lockAfterFailures: intAt(mfa, 'lockAfterFailures', 'config.mfa', 1, 100),
      maxFailures: intAt(mfa, 'maxFailures', 'config.mfa', 1, 100),
      setupTtlSeconds: intAt(mfa, 'setupTtlSeconds', 'config.mfa', 60, 86_400),
      trustedDeviceDays: intAt(mfa, 'trustedDeviceDays', 'config.mfa', 1, 400),
      supportUrl: supportUrlAt(mfa),
      supportEmail: mfa.supportEmail == null ? null : stringAt(mfa, 'supportEmail', 'config.mfa'),
    },
    sms: validateSmsSettings(raw.sms, env),
    ttl: {
      interactionSeconds: ttlSeconds('interactionSeconds'),
      sessionSeconds: ttlSeconds('sessionSeconds'),
      grantSeconds: ttlSeconds('grantSeconds'),
      authorizationCodeSeconds: intAt(ttl, 'authorizationCodeSeconds', 'config.ttl', 1, 600),
      accessTokenSeconds: ttlSeconds('accessTokenSeconds'),
      idTokenSeconds: ttlSeconds('idTokenSeconds'),
      refreshTokenSeconds: ttlSeconds('refreshTokenSeconds'),
    },
  };
}
