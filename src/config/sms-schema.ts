import { ConfigError } from './config-error.ts';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string | null;
  messagingServiceSid: string | null;
  verifyServiceSid: string | null;
}

export interface SmsSettings {
  /** none: SMS off; outbox: development file; twilio: Programmable Messaging; twilio-verify: Twilio Verify. */
  provider: 'none' | 'outbox' | 'twilio' | 'twilio-verify';
  outboxFile: string | null;
  /** ISO 3166 alpha-2 codes numbers may belong to; null allows any country (in production only when set to `*`). */
  allowedCountries: string[] | null;
  codeTtlSeconds: number;
  resendCooldownSeconds: number;
  perAccountPerHour: number;
  perNumberPerDay: number;
  perIpPerHour: number;
  globalPerHour: number;
  twilio: TwilioSettings | null;
}

type Raw = Record<string, unknown>;

function int(raw: Raw, key: string, min: number, max: number): number {
  const value = raw[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`config.sms.${key}`, `must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}

function optionalString(raw: Raw, key: string, pattern: RegExp, what: string): string | null {
  const value = raw[key] ?? null;
  if (value === null) return null;
  if (typeof value !== 'string' || !pattern.test(value)) throw new ConfigError(`config.sms.twilio.${key}`, `must be ${what}`);
  return value;
}

function twilioSettings(raw: unknown, provider: SmsSettings['provider']): TwilioSettings | null {
  if (provider !== 'twilio' && provider !== 'twilio-verify') return null;
  const t = (raw ?? {}) as Raw;
  const accountSid = optionalString(t, 'accountSid', /^AC[0-9a-f]{32}$/, 'a Twilio Account SID (AC + 32 hex digits; TWILIO_ACCOUNT_SID)');
  const authToken = optionalString(t, 'authToken', /^\S{16,}$/, 'the Twilio auth token (TWILIO_AUTH_TOKEN)');
  if (!accountSid || !authToken) throw new ConfigError('config.sms.twilio', `needs accountSid and authToken when sms.provider is ${provider} (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)`);
  const settings: TwilioSettings = {
    accountSid,
    authToken,
    from: optionalString(t, 'from', /^\+[1-9]\d{6,14}$|^[A-Za-z0-9 ]{1,11}$/, 'an E.164 number or an alphanumeric sender id (TWILIO_FROM)'),
    messagingServiceSid: optionalString(t, 'messagingServiceSid', /^MG[0-9a-f]{32}$/, 'a Messaging Service SID (MG…; TWILIO_MESSAGING_SERVICE_SID)'),
    verifyServiceSid: optionalString(t, 'verifyServiceSid', /^VA[0-9a-f]{32}$/, 'a Verify Service SID (VA…; TWILIO_VERIFY_SERVICE_SID)'),
  };
  if (provider === 'twilio' && (settings.from === null) === (settings.messagingServiceSid === null)) {
    throw new ConfigError('config.sms.twilio', 'needs exactly one of from (TWILIO_FROM) and messagingServiceSid (TWILIO_MESSAGING_SERVICE_SID)');
  }
  if (provider === 'twilio-verify' && settings.verifyServiceSid === null) {
    throw new ConfigError('config.sms.twilio.verifyServiceSid', 'is required when sms.provider is twilio-verify (TWILIO_VERIFY_SERVICE_SID)');
  }
  return settings;
}

const COUNTRIES_SETTING = 'config.sms.allowedCountries (SMS_ALLOWED_COUNTRIES)';

/**
 * The countries numbers may belong to; null allows any. Texts to some destinations cost many times
 * more than others and are where SMS pumping pays (OWASP ASVS 5.0 V6), so a production deployment
 * that really sends texts must say where to: a list, or an explicit `*` for every country.
 */
function allowedCountries(value: unknown, provider: SmsSettings['provider'], env: string): string[] | null {
  if (value === '*' || (Array.isArray(value) && value.length === 1 && value[0] === '*')) return null;
  if (value === null) {
    const sends = provider === 'twilio' || provider === 'twilio-verify';
    if (env === 'production' && sends) {
      throw new ConfigError(COUNTRIES_SETTING, `is required when NODE_ENV=production and sms.provider is ${provider}: list the ISO 3166 codes texts may go to (e.g. SMS_ALLOWED_COUNTRIES=US,GB), or * to allow every country`);
    }
    return null;
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((c) => typeof c !== 'string' || !/^[A-Z]{2}$/.test(c))) {
    throw new ConfigError(COUNTRIES_SETTING, 'must be a list of ISO 3166 alpha-2 codes like ["US","GB"], or "*" for any country');
  }
  return value as string[];
}

export function validateSmsSettings(input: unknown, env: string): SmsSettings {
  if (typeof input !== 'object' || input === null) throw new ConfigError('config.sms', 'must be an object');
  const raw = input as Raw;
  const provider = raw.provider;
  if (provider !== 'none' && provider !== 'outbox' && provider !== 'twilio' && provider !== 'twilio-verify') {
    throw new ConfigError('config.sms.provider (SMS_PROVIDER)', `must be none, outbox, twilio or twilio-verify (got ${JSON.stringify(provider)})`);
  }
  if (provider === 'outbox' && env === 'production') {
    throw new ConfigError('config.sms.provider (SMS_PROVIDER)', 'must not be outbox when NODE_ENV=production: use twilio, twilio-verify or none');
  }
  const countries = allowedCountries(raw.allowedCountries ?? null, provider, env);
  const outboxFile = raw.outboxFile ?? null;
  if (outboxFile !== null && typeof outboxFile !== 'string') throw new ConfigError('config.sms.outboxFile (SMS_OUTBOX)', 'must be a file path');
  return {
    provider,
    outboxFile: outboxFile as string | null,
    allowedCountries: countries,
    // NIST SP 800-63B rev 4 §3.1.3.2: an out-of-band code is short-lived; 10 minutes at most here.
    codeTtlSeconds: int(raw, 'codeTtlSeconds', 60, 600),
    resendCooldownSeconds: int(raw, 'resendCooldownSeconds', 1, 3600),
    perAccountPerHour: int(raw, 'perAccountPerHour', 1, 100),
    perNumberPerDay: int(raw, 'perNumberPerDay', 1, 1000),
    perIpPerHour: int(raw, 'perIpPerHour', 1, 100_000),
    globalPerHour: int(raw, 'globalPerHour', 1, 10_000_000),
    twilio: twilioSettings(raw.twilio, provider),
  };
}
