import { ConfigError } from '../../../src/config/config-error.ts';
import { validateConfig } from '../../../src/hosted/config/schema.ts';

/** config/*.json reaches validateConfig merged; these are what an operator might write there. */
describe('validateConfig names the setting a JSON file got wrong', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['lockAfterFailures 0', { mfa: { lockAfterFailures: 0 } }, 'config: config.mfa.lockAfterFailures must be an integer from 1 to 100 (got 0)'],
    ['a misspelt setting', { mfa: { lockAfterFailure: 3 } }, 'config: config.mfa.lockAfterFailure is not a known setting (misspelt?)'],
    ['a negative lifetime', { ttl: { sessionSeconds: -1 } }, 'config: config.ttl.sessionSeconds must be an integer from 1 to 31536000 (got -1)'],
    ['an unknown enforcement', { mfa: { enforcement: 'sometimes' } }, 'config: config.mfa.enforcement (MFA_ENFORCEMENT) must be "optional" or "required" (got "sometimes")'],
    ['a section that is not an object', { login: 10 }, 'config: config.login must be an object (got 10)'],
    ['an SMS limit out of range', { sms: { globalPerHour: 0 } }, 'config: config.sms.globalPerHour must be an integer from 1 to 10000000 (got 0)'],
  ])('%s', (_label, over, message) => {
    const validate = () => validateConfig({ env: 'test', ...over });
    expect(validate).toThrow(ConfigError);
    expect(validate).toThrow(message);
  });

  test('Twilio credentials are never echoed back', () => {
    const validate = () => validateConfig({ env: 'test', sms: { provider: 'twilio', twilio: { accountSid: 'AC-not-a-sid', authToken: 'a-secret-token-value' } } });
    expect(validate).toThrow('config.sms.twilio.accountSid');
    expect(validate).not.toThrow(/AC-not-a-sid|a-secret-token-value/);
  });

  test('a refused REDIS_URL never echoes the password it may carry', () => {
    const validate = () => validateConfig({ env: 'test', redis: { url: 'http://user:a-redis-password@cache.example:6379' } });
    expect(validate).toThrow('config.redis.url');
    expect(validate).not.toThrow(/a-redis-password/);
  });

  test('what is left out takes its default; what is given is kept', () => {
    const config = validateConfig({ env: 'test', mfa: { lockAfterFailures: 3 } });
    expect(config.mfa).toMatchObject({ lockAfterFailures: 3, maxFailures: 100, enforcement: 'optional' });
  });
});
