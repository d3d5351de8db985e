import * as v from 'valibot';
import type { JWK } from 'oidc-provider';
import { ConfigProblems } from '../../config/config-error.ts';
import { describeProblems, dottedPath } from '../../config/describe-problem.ts';
import { BODY_LIMIT_BYTES, LOGIN_LIMITS, MFA_SETTINGS, type LoginLimits, type MfaSettings } from '../../config/settings-schema.ts';
import { boolean, integer, issuerUrl, oneOf, optionalText, passkeyRpIdProblem, text } from '../../config/setting-rules.ts';
import { SMS_SECTION, smsSettingsFor, type SmsSettings } from '../../config/sms-schema.ts';
import { MAIL_LABELS, MAIL_SECTION, mailSettingsFor, PASSWORD_RESET_SECTION, type MailSettings, type PasswordResetSettings } from './mail-schema.ts';

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
  /** Server secrets per purpose, newest first (the plugin's, and the hosted reset links'). */
  secrets: PurposeSecrets & { passwordResets: string[] };
}

export interface RedisSettings {
  url: string | null;
  prefix: string;
  /** Redis Sentinel (REDIS_SENTINEL_URLS, REDIS_SENTINEL_NAME): instead of url, the sentinels that name the primary. */
  sentinel: { urls: string[]; name: string } | null;
  /** Redis Cluster (REDIS_CLUSTER_URLS): instead of url, some of its nodes; the store finds the rest. */
  cluster: { urls: string[] } | null;
  /**
   * Replicas that must acknowledge a write that must not be lost (an enrolment, a spent backup
   * code, a revoked device) before it is answered (REDIS_WAIT_REPLICAS, Redis WAIT); 0 waits for none.
   */
  waitReplicas: number;
}

export interface Config {
  env: NodeEnv;
  port: number;
  /** The interface to listen on; null listens on all of them (as a container must). */
  host: string | null;
  /** Unless ISSUER sets it: http://localhost:<PORT>, so the issuer follows the port. */
  issuer: string;
  dataDir: string;
  clientsFile: string;
  /** JSON file with signing, cookie and sealing keys; required in production. */
  keysFile: string | null;
  trustProxy: boolean;
  redis: RedisSettings;
  /** GET /metrics (Prometheus): off unless a token or a port of its own is set. */
  metrics: { enabled: boolean; token: string | null; port: number | null };
  /** Deadline of every store call in ms (STORE_TIMEOUT_MS): past it the page answers 503 instead of hanging. */
  storeTimeoutMs: number;
  /** On by default in development and test, off in production unless DEMO_APP=true. */
  demoApp: { enabled: boolean; port: number };
  http: { bodyLimitBytes: number };
  login: LoginLimits;
  mfa: MfaSettings;
  sms: SmsSettings;
  /** Security notices and reset links: SMTP, the development outbox, or none. */
  mail: MailSettings;
  passwordReset: PasswordResetSettings;
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
const REDIS_URL = 'must start with redis:// or rediss://';
const redisUrl = v.pipe(v.string(REDIS_URL), v.regex(/^rediss?:\/\//, REDIS_URL));
// A bearer token guessed by nobody: at least 128 bits as hex or base64 (RFC 6750 §5.2 wants it unguessable).
const METRICS_TOKEN = 'must be 32 to 512 visible characters without spaces (e.g. `openssl rand -hex 32`)';

/**
 * The hosted app's configuration: every setting, its bounds and its default. config/*.json and
 * the environment (load-config.ts) only override. The MFA, login, SMS and body-size settings are
 * the plugin's own pieces (settings-schema.ts), so both read the same defaults.
 */
const CONFIG = v.strictObject({
  env: oneOf(['development', 'production', 'test'], 'development'),
  port: PORT(3000),
  host: optionalText(),
  // No default here: left out, it follows the port (issuerFor below).
  issuer: v.nullish(issuerUrl, null),
  dataDir: text('./data'),
  clientsFile: text('config/clients.json'),
  keysFile: optionalText(),
  trustProxy: boolean(false),
  redis: v.optional(v.strictObject({
    url: v.nullish(redisUrl, null),
    prefix: text('oidc-mfa:'),
    sentinel: v.nullish(v.strictObject({
      urls: v.pipe(v.array(redisUrl, 'must be a list of redis:// URLs'), v.minLength(1, 'must name at least one sentinel')),
      name: v.pipe(v.string('must be the name the sentinels monitor (their `sentinel monitor <name> …`)'), v.regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be the name the sentinels monitor (letters, digits, . _ -)')),
    }, OBJECT), null),
    cluster: v.nullish(v.strictObject({
      urls: v.pipe(v.array(redisUrl, 'must be a list of redis:// URLs'), v.minLength(1, 'must name at least one node of the cluster')),
    }, OBJECT), null),
    // At most the replicas a primary usually has; 0 (the default) never waits.
    waitReplicas: integer(0, 16, 0),
  }, OBJECT), {}),
  metrics: v.optional(v.strictObject({
    token: v.nullish(v.pipe(v.string(METRICS_TOKEN), v.regex(/^[\x21-\x7e]{32,512}$/, METRICS_TOKEN)), null),
    port: v.nullish(v.pipe(v.number('must be an integer from 1 to 65535'), v.integer('must be an integer from 1 to 65535'), v.minValue(1, 'must be an integer from 1 to 65535'), v.maxValue(65535, 'must be an integer from 1 to 65535')), null),
  }, OBJECT), {}),
  // Long enough for a busy Redis's slowest script, short enough that a person sees a 503 page
  // rather than a spinner; at most a minute.
  storeTimeoutMs: integer(100, 60_000, 3000),
  // enabled left out: on except in production (demoAppFor below).
  demoApp: v.optional(v.strictObject({ enabled: v.nullish(v.boolean('must be true or false'), null), port: PORT(3001) }, OBJECT), {}),
  http: v.optional(v.strictObject({ bodyLimitBytes: BODY_LIMIT_BYTES }, OBJECT), {}),
  login: v.optional(LOGIN_LIMITS, {}),
  mfa: v.optional(MFA_SETTINGS, {}),
  sms: v.optional(SMS_SECTION, {}),
  mail: v.optional(MAIL_SECTION, {}),
  passwordReset: v.optional(PASSWORD_RESET_SECTION, {}),
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
  port: 'config.port (PORT)',
  host: 'config.host (HOST)',
  issuer: 'config.issuer (ISSUER)',
  dataDir: 'config.dataDir (DATA_DIR)',
  clientsFile: 'config.clientsFile (CLIENTS_FILE)',
  keysFile: 'config.keysFile (KEYS_FILE)',
  trustProxy: 'config.trustProxy (TRUST_PROXY)',
  'redis.url': 'config.redis.url (REDIS_URL)',
  'redis.prefix': 'config.redis.prefix (REDIS_PREFIX)',
  'redis.sentinel': 'config.redis.sentinel (REDIS_SENTINEL_URLS, REDIS_SENTINEL_NAME)',
  'redis.sentinel.urls': 'config.redis.sentinel.urls (REDIS_SENTINEL_URLS)',
  'redis.sentinel.name': 'config.redis.sentinel.name (REDIS_SENTINEL_NAME)',
  'redis.cluster': 'config.redis.cluster (REDIS_CLUSTER_URLS)',
  'redis.cluster.urls': 'config.redis.cluster.urls (REDIS_CLUSTER_URLS)',
  'redis.waitReplicas': 'config.redis.waitReplicas (REDIS_WAIT_REPLICAS)',
  'metrics.token': 'config.metrics.token (METRICS_TOKEN)',
  'metrics.port': 'config.metrics.port (METRICS_PORT)',
  storeTimeoutMs: 'config.storeTimeoutMs (STORE_TIMEOUT_MS)',
  'demoApp.enabled': 'config.demoApp.enabled (DEMO_APP)',
  'demoApp.port': 'config.demoApp.port (DEMO_PORT)',
  'mfa.enforcement': 'config.mfa.enforcement (MFA_ENFORCEMENT)',
  'mfa.supportUrl': 'config.mfa.supportUrl (SUPPORT_URL)',
  'mfa.supportEmail': 'config.mfa.supportEmail (SUPPORT_EMAIL)',
  'mfa.passkeyRpId': 'config.mfa.passkeyRpId (PASSKEY_RP_ID)',
  'mfa.productName': 'config.mfa.productName (PRODUCT_NAME)',
  'mfa.issuerLabel': 'config.mfa.issuerLabel (AUTHENTICATOR_LABEL)',
  'mfa.logoUrl': 'config.mfa.logoUrl (LOGO_URL)',
  'mfa.primaryColor': 'config.mfa.primaryColor (PRIMARY_COLOR)',
  'mfa.passkeyAttestationRoots': 'config.mfa.passkeyAttestationRoots (PASSKEY_ATTESTATION_ROOTS)',
  'sms.provider': 'config.sms.provider (SMS_PROVIDER)',
  'sms.outboxFile': 'config.sms.outboxFile (SMS_OUTBOX)',
  'sms.allowedCountries': 'config.sms.allowedCountries (SMS_ALLOWED_COUNTRIES)',
  ...MAIL_LABELS,
};

function labelOf(path: (string | number)[]): string {
  const dotted = dottedPath(path);
  if (!dotted) return 'config';
  return LABELS[dotted] ?? `config.${dotted}`;
}

type Parsed = v.InferOutput<typeof CONFIG>;

/** Unless ISSUER is set, the issuer is where `npm start` listens: it follows PORT. */
function issuerFor(config: Parsed, problems: ConfigProblems): string {
  if (config.issuer === null) {
    if (config.env === 'production') problems.add(LABELS.issuer!, 'is required when NODE_ENV=production: the https address people and relying apps reach, e.g. https://id.example.com');
    // Port 0 is "any free port": nobody can know the issuer before listening, and a guess breaks every redirect.
    if (config.port === 0) problems.add(LABELS.issuer!, 'is required when PORT is 0 (any free port): relying apps must know the address in advance');
    return `http://localhost:${config.port}`;
  }
  if (config.env === 'production' && new URL(config.issuer).protocol !== 'https:') problems.add(LABELS.issuer!, 'must use https when NODE_ENV=production');
  return config.issuer.replace(/\/$/, '');
}

/** The demo relying app is for trying the provider out: off in production unless explicitly asked for. */
function demoAppFor(config: Parsed, problems: ConfigProblems): Config['demoApp'] {
  const enabled = config.demoApp.enabled ?? config.env !== 'production';
  // Its redirect URI names its port, so "any free port" cannot work.
  if (enabled && config.demoApp.port === 0) problems.add(LABELS['demoApp.port']!, 'must not be 0 while the demo app is on (its redirect URI names its port); set DEMO_PORT, or DEMO_APP=false');
  return { enabled, port: config.demoApp.port };
}

function keysFileFor(config: Parsed, problems: ConfigProblems): string | null {
  if (config.keysFile === null && config.env === 'production') {
    problems.add(LABELS.keysFile!, `is required when NODE_ENV=production (make one with \`${KEYS_GENERATE_COMMAND}\`, then set KEYS_FILE=keys.json)`);
  }
  return config.keysFile;
}

/**
 * Metrics are served only when asked for: with a token (on the main port, behind it), or on a port
 * of their own (which a network policy keeps for the scraper). That port must be nobody else's.
 */
function metricsFor(config: Parsed, demoApp: Config['demoApp'], problems: ConfigProblems): Config['metrics'] {
  const { token, port } = config.metrics;
  if (port !== null && (port === config.port || (demoApp.enabled && port === demoApp.port))) {
    problems.add(LABELS['metrics.port']!, `is ${port}, which the provider or the demo app already listens on: choose a port of its own`);
  }
  return { enabled: token !== null || port !== null, token, port };
}

/** What an operator runs to make a keys file: `--out` writes it (mode 0600), so npm's banner never lands in it. */
export const KEYS_GENERATE_COMMAND = 'npm run --silent cli -- keys generate --out keys.json';

/**
 * Checks the merged configuration once, at start-up. Every problem is found before any is
 * reported: the schema's (each setting on its own) and then the rules that tie settings together,
 * each run only when the settings it reads were fine on their own (a bad NODE_ENV says nothing
 * about the issuer). A ConfigError lists them all, each with its path.
 */
export function validateConfig(input: unknown): Config {
  const problems = new ConfigProblems();
  const result = v.safeParse(CONFIG, input, { abortEarly: false });
  const bad: string[] = [];
  if (!result.success) {
    for (const { path, problem } of describeProblems(result.issues)) {
      bad.push(dottedPath(path));
      problems.add(labelOf(path), problem);
    }
  }
  // Not even an object: nothing below has anything to read.
  if (bad.includes('')) problems.check();
  /** None of these settings (nor a section holding them) had a problem of its own. */
  const fine = (...paths: string[]) => paths.every((p) => !bad.some((b) => b === p || b.startsWith(`${p}.`) || b.startsWith(`${p}[`) || p.startsWith(`${b}.`)));
  // The output holds every setting that parsed; the rules below only read those (fine()).
  const config = result.output as Parsed;
  // A given issuer needs no port; one that follows the port does.
  const issuer = fine('env', 'issuer') && (config.issuer !== null || fine('port')) ? issuerFor(config, problems) : '';
  const demoApp = fine('env', 'demoApp') ? demoAppFor(config, problems) : config.demoApp as Config['demoApp'];
  const keysFile = fine('env', 'keysFile') ? keysFileFor(config, problems) : null;
  const sms = fine('env', 'sms') ? smsSettingsFor(config.sms, config.env, problems) : (config.sms as SmsSettings);
  if (issuer && fine('mfa') && config.mfa.passkeyRpId !== null) {
    const problem = passkeyRpIdProblem(issuer, config.mfa.passkeyRpId);
    if (problem) problems.add(LABELS['mfa.passkeyRpId']!, `${problem} (got "${config.mfa.passkeyRpId}")`);
  }
  const metrics = fine('metrics', 'port', 'demoApp', 'env') ? metricsFor(config, demoApp, problems) : { ...config.metrics, enabled: false };
  if (fine('redis') && config.redis.url !== null && config.redis.sentinel !== null) {
    problems.add(LABELS['redis.sentinel']!, 'cannot be set with REDIS_URL: set the sentinels (and the name they monitor) or one Redis, not both');
  }
  if (fine('redis') && config.redis.cluster !== null && (config.redis.url !== null || config.redis.sentinel !== null)) {
    problems.add(LABELS['redis.cluster']!, 'cannot be set with REDIS_URL or REDIS_SENTINEL_URLS: name one Redis, its sentinels, or the nodes of a cluster');
  }
  if (fine('redis') && config.redis.cluster !== null && /[{}]/.test(config.redis.prefix)) {
    problems.add(LABELS['redis.prefix']!, `must hold no { or } with a Redis Cluster: a hash tag in it would put every key in one slot (got "${config.redis.prefix}")`);
  }
  if (fine('redis') && config.redis.waitReplicas > 0 && config.redis.cluster !== null) {
    problems.add(LABELS['redis.waitReplicas']!, 'does not apply to a Redis Cluster: its primaries each have their own replicas, and WAIT counts one connection\'s writes');
  } else if (fine('redis') && config.redis.waitReplicas > 0 && config.redis.url === null && config.redis.sentinel === null) {
    problems.add(LABELS['redis.waitReplicas']!, 'only applies to Redis (REDIS_URL or REDIS_SENTINEL_URLS): the embedded SQLite store has no replicas');
  }
  const mail = fine('env', 'mail') ? mailSettingsFor(config.mail, config.env, problems) : (config.mail as unknown as MailSettings);
  problems.check();
  return { ...config, issuer, demoApp, keysFile, sms, mail, metrics };
}
