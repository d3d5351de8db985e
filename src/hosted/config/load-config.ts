import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ConfigProblems } from '../../config/config-error.ts';
import { pemBlocksOf } from '../../config/setting-rules.ts';
import { validateConfig, type Config } from './schema.ts';

/** The project root: config/ and views/ are found from here, wherever the process was started. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type Env = Record<string, string | undefined>;

function readJson(file: string, problems: ConfigProblems): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    problems.add(file, 'must hold a JSON object of settings');
  } catch (error) {
    problems.add(file, `could not be read as JSON: ${(error as Error).message}`);
  }
  return {};
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

/** Reads the environment's strings into typed values; a bad one is noted and left out. */
function environmentReader(env: Env, problems: ConfigProblems) {
  return {
    integer(name: string): number | undefined {
      const value = env[name];
      if (!value) return undefined;
      if (/^\d+$/.test(value)) return Number(value);
      problems.add(name, `must be a whole number (got ${JSON.stringify(value)})`);
      return undefined;
    },
    boolean(name: string): boolean | undefined {
      const value = env[name];
      if (!value) return undefined;
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      problems.add(name, `must be true or false (got ${JSON.stringify(value)})`);
      return undefined;
    },
  };
}

/**
 * PASSKEY_ATTESTATION_ROOTS: a file of PEM certificates (the operator's attestation roots); each
 * block is then checked by the schema like those given in a JSON file.
 */
function attestationRootsFrom(file: string | undefined, problems: ConfigProblems): string[] | undefined {
  if (!file) return undefined;
  let bundle: string;
  try {
    bundle = readFileSync(path.resolve(PROJECT_ROOT, file), 'utf8');
  } catch (error) {
    problems.add('PASSKEY_ATTESTATION_ROOTS', `could not be read: ${(error as Error).message}`);
    return undefined;
  }
  const blocks = pemBlocksOf(bundle);
  if (blocks.length === 0) problems.add('PASSKEY_ATTESTATION_ROOTS', `holds no PEM certificate (-----BEGIN CERTIFICATE-----): ${file}`);
  return blocks;
}

/** Sets `key` only when `value` is given: an unset variable never overrides the files. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== '') target[key] = value;
}

/** The operator's environment, mapped onto the config shape. Only set variables override. */
function fromEnvironment(env: Env, problems: ConfigProblems): Record<string, unknown> {
  const read = environmentReader(env, problems);
  const over: Record<string, unknown> = {};
  const redis: Record<string, unknown> = {};
  const demoApp: Record<string, unknown> = {};
  const mfa: Record<string, unknown> = {};
  put(over, 'env', env.NODE_ENV);
  put(over, 'port', read.integer('PORT'));
  put(over, 'host', env.HOST);
  put(over, 'issuer', env.ISSUER);
  put(over, 'dataDir', env.DATA_DIR);
  put(over, 'clientsFile', env.CLIENTS_FILE);
  put(over, 'keysFile', env.KEYS_FILE);
  put(over, 'trustProxy', read.boolean('TRUST_PROXY'));
  put(redis, 'url', env.REDIS_URL);
  put(redis, 'prefix', env.REDIS_PREFIX);
  put(redis, 'waitReplicas', read.integer('REDIS_WAIT_REPLICAS'));
  if (env.REDIS_SENTINEL_URLS || env.REDIS_SENTINEL_NAME) {
    // Both or neither: the schema names whichever is missing.
    redis.sentinel = { urls: (env.REDIS_SENTINEL_URLS ?? '').split(',').map((url) => url.trim()).filter(Boolean), name: env.REDIS_SENTINEL_NAME };
  }
  if (env.REDIS_CLUSTER_URLS !== undefined) redis.cluster = { urls: env.REDIS_CLUSTER_URLS.split(',').map((url) => url.trim()).filter(Boolean) };
  const metrics: Record<string, unknown> = {};
  put(metrics, 'token', env.METRICS_TOKEN);
  put(metrics, 'port', read.integer('METRICS_PORT'));
  if (Object.keys(metrics).length) over.metrics = metrics;
  put(over, 'storeTimeoutMs', read.integer('STORE_TIMEOUT_MS'));
  put(demoApp, 'enabled', read.boolean('DEMO_APP'));
  put(demoApp, 'port', read.integer('DEMO_PORT'));
  put(mfa, 'enforcement', env.MFA_ENFORCEMENT);
  put(mfa, 'supportUrl', env.SUPPORT_URL);
  put(mfa, 'supportEmail', env.SUPPORT_EMAIL);
  put(mfa, 'passkeyRpId', env.PASSKEY_RP_ID);
  put(mfa, 'productName', env.PRODUCT_NAME);
  put(mfa, 'issuerLabel', env.AUTHENTICATOR_LABEL);
  put(mfa, 'logoUrl', env.LOGO_URL);
  put(mfa, 'primaryColor', env.PRIMARY_COLOR);
  put(mfa, 'passkeyAttestationRoots', attestationRootsFrom(env.PASSKEY_ATTESTATION_ROOTS, problems));
  const sms = smsFromEnvironment(env);
  const mail: Record<string, unknown> = {};
  put(mail, 'smtpUrl', env.SMTP_URL);
  put(mail, 'from', env.MAIL_FROM);
  put(mail, 'outboxFile', env.EMAIL_OUTBOX);
  if (Object.keys(mail).length) over.mail = mail;
  if (Object.keys(mfa).length) over.mfa = mfa;
  if (Object.keys(sms).length) over.sms = sms;
  if (Object.keys(redis).length) over.redis = redis;
  if (Object.keys(demoApp).length) over.demoApp = demoApp;
  return over;
}

function smsFromEnvironment(env: Env): Record<string, unknown> {
  const sms: Record<string, unknown> = {};
  const twilio: Record<string, unknown> = {};
  put(sms, 'provider', env.SMS_PROVIDER);
  put(sms, 'outboxFile', env.SMS_OUTBOX);
  if (env.SMS_ALLOWED_COUNTRIES) sms.allowedCountries = env.SMS_ALLOWED_COUNTRIES.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  put(twilio, 'accountSid', env.TWILIO_ACCOUNT_SID);
  put(twilio, 'authToken', env.TWILIO_AUTH_TOKEN);
  put(twilio, 'from', env.TWILIO_FROM);
  put(twilio, 'messagingServiceSid', env.TWILIO_MESSAGING_SERVICE_SID);
  put(twilio, 'verifyServiceSid', env.TWILIO_VERIFY_SERVICE_SID);
  if (Object.keys(twilio).length) sms.twilio = twilio;
  return sms;
}

/**
 * config/default.json (the deployment's own, shipped empty), then config/<NODE_ENV>.json if
 * present, then the environment; whatever none of them sets takes the schema's default
 * (schema.ts, settings-schema.ts). The only place in the code base that reads process.env.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems = new ConfigProblems();
  const nodeEnv = env.NODE_ENV || 'development';
  const configDir = path.join(PROJECT_ROOT, 'config');
  let merged: Record<string, unknown> = { env: nodeEnv, ...readJson(path.join(configDir, 'default.json'), problems) };
  const perEnvironment = path.join(configDir, `${nodeEnv}.json`);
  if (existsSync(perEnvironment)) merged = deepMerge(merged, readJson(perEnvironment, problems));
  merged = deepMerge(merged, fromEnvironment(env, problems));
  // The schema's problems join the files' and the variables': one ConfigError lists them all.
  const config = problems.attempt(() => validateConfig(merged));
  problems.check();
  return {
    ...config!,
    dataDir: path.resolve(PROJECT_ROOT, config!.dataDir),
    clientsFile: path.resolve(PROJECT_ROOT, config!.clientsFile),
    keysFile: config!.keysFile === null ? null : path.resolve(PROJECT_ROOT, config!.keysFile),
    sms: {
      ...config!.sms,
      outboxFile: path.resolve(PROJECT_ROOT, config!.sms.outboxFile ?? path.join(config!.dataDir, 'sms-outbox.jsonl')),
    },
    mail: {
      ...config!.mail,
      outboxFile: config!.mail.transport === 'outbox' ? path.resolve(PROJECT_ROOT, config!.mail.outboxFile ?? path.join(config!.dataDir, 'email-outbox.jsonl')) : null,
    },
  };
}
