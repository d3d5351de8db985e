import * as v from 'valibot';
import type { ConfigProblems } from './config-error.ts';
import { SMS_LIMITS, type SmsLimits } from './settings-schema.ts';
import { COUNTRY_CODE, oneOf } from './setting-rules.ts';
import { refuseOutboxInProduction } from './development-only.ts';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string | null;
  messagingServiceSid: string | null;
  verifyServiceSid: string | null;
}

export type SmsProviderName = 'none' | 'outbox' | 'twilio' | 'twilio-verify';

export interface SmsSettings extends SmsLimits {
  /** none: SMS off; outbox: development file; twilio: Programmable Messaging; twilio-verify: Twilio Verify. */
  provider: SmsProviderName;
  outboxFile: string | null;
  /** ISO 3166 alpha-2 codes numbers may belong to; null allows any country (in production only when set to `*`). */
  allowedCountries: string[] | null;
  twilio: TwilioSettings | null;
}

const COUNTRIES_SETTING = 'config.sms.allowedCountries (SMS_ALLOWED_COUNTRIES)';
const COUNTRIES_FORMAT = 'must be a list of ISO 3166 alpha-2 codes like ["US","GB"], or "*" for any country';

/** A list of codes, or `*` (alone, or as the list's only item) for every country. */
function isCountriesValue(value: unknown): boolean {
  if (value === null || value === '*') return true;
  if (!Array.isArray(value) || value.length === 0) return false;
  if (value.length === 1 && value[0] === '*') return true;
  return value.every((c) => typeof c === 'string' && COUNTRY_CODE.test(c));
}

/**
 * The hosted app's `sms` section: which sender, and the shared limits (settings-schema.ts).
 * Twilio's credentials are checked only when a Twilio sender is chosen (twilioSettings below).
 */
export const SMS_SECTION = v.strictObject({
  ...SMS_LIMITS.entries,
  provider: oneOf(['none', 'outbox', 'twilio', 'twilio-verify'], 'outbox'),
  outboxFile: v.nullish(v.string('must be a file path'), null),
  allowedCountries: v.nullish(v.custom<string[] | '*'>(isCountriesValue, COUNTRIES_FORMAT), null),
  twilio: v.nullish(v.record(v.string(), v.unknown(), 'must be an object'), null),
}, 'must be an object');

type Raw = Record<string, unknown>;

function optionalString(raw: Raw, key: string, pattern: RegExp, what: string, problems: ConfigProblems): string | null {
  const value = raw[key] ?? null;
  if (value === null) return null;
  if (typeof value !== 'string' || !pattern.test(value)) {
    problems.add(`config.sms.twilio.${key}`, `must be ${what}`);
    return null;
  }
  return value;
}

function twilioSettings(raw: Raw | null, provider: SmsProviderName, problems: ConfigProblems): TwilioSettings | null {
  if (provider !== 'twilio' && provider !== 'twilio-verify') return null;
  const t = raw ?? {};
  const field = (key: string, pattern: RegExp, what: string) => optionalString(t, key, pattern, what, problems);
  const accountSid = field('accountSid', /^AC[0-9a-f]{32}$/, 'a Twilio Account SID (AC + 32 hex digits; TWILIO_ACCOUNT_SID)');
  const authToken = field('authToken', /^\S{16,}$/, 'the Twilio auth token (TWILIO_AUTH_TOKEN)');
  const from = field('from', /^\+[1-9]\d{6,14}$|^[A-Za-z0-9 ]{1,11}$/, 'an E.164 number or an alphanumeric sender id (TWILIO_FROM)');
  const messagingServiceSid = field('messagingServiceSid', /^MG[0-9a-f]{32}$/, 'a Messaging Service SID (MG…; TWILIO_MESSAGING_SERVICE_SID)');
  const verifyServiceSid = field('verifyServiceSid', /^VA[0-9a-f]{32}$/, 'a Verify Service SID (VA…; TWILIO_VERIFY_SERVICE_SID)');
  // A missing value is its own problem; a malformed one was already told above.
  if ((t.accountSid ?? null) === null || (t.authToken ?? null) === null) {
    problems.add('config.sms.twilio', `needs accountSid and authToken when sms.provider is ${provider} (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)`);
  }
  if (provider === 'twilio' && ((t.from ?? null) === null) === ((t.messagingServiceSid ?? null) === null)) {
    problems.add('config.sms.twilio', 'needs exactly one of from (TWILIO_FROM) and messagingServiceSid (TWILIO_MESSAGING_SERVICE_SID)');
  }
  if (provider === 'twilio-verify' && (t.verifyServiceSid ?? null) === null) {
    problems.add('config.sms.twilio.verifyServiceSid', 'is required when sms.provider is twilio-verify (TWILIO_VERIFY_SERVICE_SID)');
  }
  if (!accountSid || !authToken) return null;
  return { accountSid, authToken, from, messagingServiceSid, verifyServiceSid };
}

/**
 * The countries numbers may belong to; null allows any. Texts to some destinations cost many times
 * more than others and are where SMS pumping pays (OWASP ASVS 5.0 V6), so a production deployment
 * that really sends texts must say where to: a list, or an explicit `*` for every country.
 */
function allowedCountries(value: string[] | '*' | null, provider: SmsProviderName, env: string, problems: ConfigProblems): string[] | null {
  if (value === '*' || (Array.isArray(value) && value[0] === '*')) return null;
  if (value === null) {
    const sends = provider === 'twilio' || provider === 'twilio-verify';
    if (env === 'production' && sends) {
      problems.add(COUNTRIES_SETTING, `is required when NODE_ENV=production and sms.provider is ${provider}: list the ISO 3166 codes texts may go to (e.g. SMS_ALLOWED_COUNTRIES=US,GB), or * to allow every country`);
    }
    return null;
  }
  return value;
}

/**
 * The rules that depend on where the app runs, applied to an `sms` section SMS_SECTION has parsed.
 * Every problem goes to `problems` (the caller throws them together with the rest of the config's).
 */
export function smsSettingsFor(section: v.InferOutput<typeof SMS_SECTION>, env: string, problems: ConfigProblems): SmsSettings {
  if (section.provider === 'outbox') refuseOutboxInProduction(env, problems, 'config.sms.provider (SMS_PROVIDER)', 'must not be outbox', 'use twilio, twilio-verify or none');
  return {
    ...section,
    allowedCountries: allowedCountries(section.allowedCountries, section.provider, env, problems),
    twilio: twilioSettings(section.twilio, section.provider, problems),
  };
}
