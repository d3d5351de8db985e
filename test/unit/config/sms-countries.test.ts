import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/hosted/config/load-config.ts';

const TWILIO = {
  SMS_PROVIDER: 'twilio',
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'a-test-auth-token-that-is-long',
  TWILIO_FROM: '+15005550006',
};
const VERIFY = { ...TWILIO, SMS_PROVIDER: 'twilio-verify', TWILIO_FROM: '', TWILIO_VERIFY_SERVICE_SID: `VA${'0'.repeat(32)}` };
// The loader only records KEYS_FILE's path; the file is read at start-up (keys.ts).
const PRODUCTION = { NODE_ENV: 'production', ISSUER: 'https://id.example.com', KEYS_FILE: '/secure/keys.json' };

describe('SMS_ALLOWED_COUNTRIES', () => {
  test.each([['twilio', TWILIO], ['twilio-verify', VERIFY]])('production with %s refuses to start without it, saying what to set', (_label, sms) => {
    const start = () => loadConfig({ ...PRODUCTION, ...sms });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/config\.sms\.allowedCountries \(SMS_ALLOWED_COUNTRIES\) is required when NODE_ENV=production.*or \* to allow every country/);
  });

  test('production accepts a list, and an explicit * for every country', () => {
    expect(loadConfig({ ...PRODUCTION, ...TWILIO, SMS_ALLOWED_COUNTRIES: 'us, gb' }).sms.allowedCountries).toEqual(['US', 'GB']);
    expect(loadConfig({ ...PRODUCTION, ...TWILIO, SMS_ALLOWED_COUNTRIES: '*' }).sms.allowedCountries).toBeNull();
  });

  test('production without text messages (the default there) needs no list', () => {
    expect(loadConfig(PRODUCTION).sms).toMatchObject({ provider: 'none', allowedCountries: null });
  });

  test('development keeps "any country" as the default', () => {
    expect(loadConfig({ ...TWILIO }).sms.allowedCountries).toBeNull();
    expect(loadConfig({}).sms.allowedCountries).toBeNull();
  });

  test.each(['U1', 'USA', '*,US', '1'])('%j is refused', (value) => {
    expect(() => loadConfig({ ...PRODUCTION, ...TWILIO, SMS_ALLOWED_COUNTRIES: value })).toThrow(/SMS_ALLOWED_COUNTRIES/);
  });
});
