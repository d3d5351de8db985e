import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ConfigError } from '../../config/config-error.ts';
import { validateConfig, type Config } from './schema.ts';

/** The project root: config/ and views/ are found from here, wherever the process was started. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type Env = Record<string, string | undefined>;

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(file, `could not be read as JSON: ${(error as Error).message}`);
  }
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const bothObjects = [current, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    out[key] = bothObjects ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

function parseInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number (got ${JSON.stringify(value)})`);
  return Number(value);
}

function parseBoolean(name: string, value: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, `must be true or false (got ${JSON.stringify(value)})`);
}

/** The operator's environment, mapped onto the config shape. Only set variables override. */
function fromEnvironment(env: Env): Record<string, unknown> {
  const over: Record<string, unknown> = {};
  const redis: Record<string, unknown> = {};
  const demoApp: Record<string, unknown> = {};
  if (env.NODE_ENV) over.env = env.NODE_ENV;
  if (env.PORT) over.port = parseInteger('PORT', env.PORT);
  if (env.HOST) over.host = env.HOST;
  if (env.ISSUER) over.issuer = env.ISSUER;
  if (env.DATA_DIR) over.dataDir = env.DATA_DIR;
  if (env.CLIENTS_FILE) over.clientsFile = env.CLIENTS_FILE;
  if (env.KEYS_FILE) over.keysFile = env.KEYS_FILE;
  if (env.TRUST_PROXY) over.trustProxy = parseBoolean('TRUST_PROXY', env.TRUST_PROXY);
  if (env.REDIS_URL) redis.url = env.REDIS_URL;
  if (env.REDIS_PREFIX) redis.prefix = env.REDIS_PREFIX;
  if (env.STORE_TIMEOUT_MS) over.storeTimeoutMs = parseInteger('STORE_TIMEOUT_MS', env.STORE_TIMEOUT_MS);
  if (env.DEMO_APP) demoApp.enabled = parseBoolean('DEMO_APP', env.DEMO_APP);
  if (env.DEMO_PORT) demoApp.port = parseInteger('DEMO_PORT', env.DEMO_PORT);
  const mfa: Record<string, unknown> = {};
  if (env.MFA_ENFORCEMENT) mfa.enforcement = env.MFA_ENFORCEMENT;
  if (env.SUPPORT_URL) mfa.supportUrl = env.SUPPORT_URL;
  if (env.SUPPORT_EMAIL) mfa.supportEmail = env.SUPPORT_EMAIL;
  if (Object.keys(mfa).length) over.mfa = mfa;
  const sms = smsFromEnvironment(env);
  if (Object.keys(sms).length) over.sms = sms;
  if (Object.keys(redis).length) over.redis = redis;
  if (Object.keys(demoApp).length) over.demoApp = demoApp;
  return over;
}

function smsFromEnvironment(env: Env): Record<string, unknown> {
  const sms: Record<string, unknown> = {};
  const twilio: Record<string, unknown> = {};
  if (env.SMS_PROVIDER) sms.provider = env.SMS_PROVIDER;
  if (env.SMS_OUTBOX) sms.outboxFile = env.SMS_OUTBOX;
  if (env.SMS_ALLOWED_COUNTRIES) sms.allowedCountries = env.SMS_ALLOWED_COUNTRIES.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  if (env.TWILIO_ACCOUNT_SID) twilio.accountSid = env.TWILIO_ACCOUNT_SID;
  if (env.TWILIO_AUTH_TOKEN) twilio.authToken = env.TWILIO_AUTH_TOKEN;
  if (env.TWILIO_FROM) twilio.from = env.TWILIO_FROM;
  if (env.TWILIO_MESSAGING_SERVICE_SID) twilio.messagingServiceSid = env.TWILIO_MESSAGING_SERVICE_SID;
  if (env.TWILIO_VERIFY_SERVICE_SID) twilio.verifyServiceSid = env.TWILIO_VERIFY_SERVICE_SID;
  if (Object.keys(twilio).length) sms.twilio = twilio;
  return sms;
}

/**
 * config/default.json (the deployment's own, shipped empty), then config/<NODE_ENV>.json if
 * present, then the environment; whatever none of them sets takes the schema's default
 * (schema.ts, settings-schema.ts). The only place in the code base that reads process.env.
 */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV || 'development';
  const configDir = path.join(PROJECT_ROOT, 'config');
  let merged: Record<string, unknown> = { env: nodeEnv, ...readJson(path.join(configDir, 'default.json')) };
  const perEnvironment = path.join(configDir, `${nodeEnv}.json`);
  if (existsSync(perEnvironment)) merged = deepMerge(merged, readJson(perEnvironment));
  merged = deepMerge(merged, fromEnvironment(env));
  const config = validateConfig(merged);
  return {
    ...config,
    dataDir: path.resolve(PROJECT_ROOT, config.dataDir),
    clientsFile: path.resolve(PROJECT_ROOT, config.clientsFile),
    keysFile: config.keysFile === null ? null : path.resolve(PROJECT_ROOT, config.keysFile),
    sms: {
      ...config.sms,
      outboxFile: path.resolve(PROJECT_ROOT, config.sms.outboxFile ?? path.join(config.dataDir, 'sms-outbox.jsonl')),
    },
  };
}
