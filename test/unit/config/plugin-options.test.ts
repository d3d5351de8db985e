import { createMfa, DEFAULT_MFA_SETTINGS, MfaOptionsError, type MfaPluginOptions } from '../../../src/index.ts';
import { parsePluginOptions } from '../../../src/config/plugin-options.ts';
import { validateConfig } from '../../../src/hosted/config/schema.ts';
import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.ts';
import { hostOptions } from '../../helpers/host-options.ts';

function refusal(options: MfaPluginOptions): MfaOptionsError {
  try {
    createMfa(options);
  } catch (error) {
    if (error instanceof MfaOptionsError) return error;
    throw error;
  }
  throw new Error('createMfa accepted the options');
}

describe('createMfa refuses a bad option, naming its path', () => {
  test('settings.lockAfterFailures 0 (it divides the lock rounds) is refused before anything is built', () => {
    const error = refusal(hostOptions({ settings: { lockAfterFailures: 0 } }));
    expect(error.path).toBe('settings.lockAfterFailures');
    expect(error.message).toBe('createMfa: settings.lockAfterFailures must be an integer from 1 to 100 (got 0)');
  });

  test.each<[string, Partial<MfaPluginOptions>, string]>([
    ['a negative setup lifetime', { settings: { setupTtlSeconds: -1 } }, 'settings.setupTtlSeconds'],
    ['a fractional re-authentication age', { settings: { reauthWithinSeconds: 30.5 } }, 'settings.reauthWithinSeconds'],
    ['an unknown enforcement', { settings: { enforcement: 'sometimes' as 'optional' } }, 'settings.enforcement'],
    ['a lock after more failures than the hard limit', { settings: { lockAfterFailures: 20, maxFailures: 10 } }, 'settings.lockAfterFailures'],
    ['a misspelt setting', { settings: { lockAfterFailure: 3 } as Partial<MfaPluginOptions['settings']> }, 'settings.lockAfterFailure'],
    ['a support URL that is not http(s)', { settings: { supportUrl: 'javascript:alert(1)' } }, 'settings.supportUrl'],
    ['a non-URL issuer', { issuer: 'id.host.example' }, 'issuer'],
    ['an issuer with a query', { issuer: 'https://id.host.example/?tenant=1' }, 'issuer'],
    ['a negative SMS code lifetime', { sms: { provider: { send: async () => {} } as never, limits: { codeTtlSeconds: -60 } } }, 'sms.limits.codeTtlSeconds'],
    ['a zero login window', { login: { failureWindowSeconds: 0 } }, 'login.failureWindowSeconds'],
    ['a tiny body limit', { bodyLimitBytes: 10 }, 'bodyLimitBytes'],
    ['no sealing key', { sealingKeys: [] }, 'sealingKeys'],
    ['an empty list of CSRF secrets', { secrets: { ...hostOptions().secrets, csrf: [] } }, 'secrets.csrf'],
    ['a short trusted-device secret', { secrets: { ...hostOptions().secrets, trustedDevices: ['short'] } }, 'secrets.trustedDevices[0]'],
    ['no secrets for text codes', { secrets: { ...hostOptions().secrets, textCodes: undefined as never } }, 'secrets.textCodes'],
  ])('%s', (_label, over, path) => {
    const error = refusal(hostOptions(over));
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`createMfa: ${path} `)).toBe(true);
  });

  test('a short sealing key is refused without echoing key material', () => {
    const key = Buffer.from('0123456789abcdef');
    const error = refusal(hostOptions({ sealingKeys: [{ id: 'k', key }] }));
    expect(error.path).toBe('sealingKeys[0].key');
    expect(error.message).not.toMatch(/got|0123456789abcdef|MDEy/);
  });

  test('a short secret is refused without echoing it', () => {
    const error = refusal(hostOptions({ secrets: { ...hostOptions().secrets, loginDevices: ['sixteen-chars-xx'] } }));
    expect(error.path).toBe('secrets.loginDevices[0]');
    expect(error.message).not.toMatch(/got|sixteen/);
  });
});

describe('one set of defaults', () => {
  const hosted = validateConfig({ env: 'test' });
  const plugin = parsePluginOptions(hostOptions({ sms: { provider: { send: async () => {} } as never } }));

  test('the plugin and the hosted app start from the same MFA, login, SMS and body-size settings', () => {
    expect(plugin.settings).toEqual(hosted.mfa);
    expect(plugin.login).toEqual(hosted.login);
    const { provider: _provider, outboxFile: _outbox, twilio: _twilio, ...hostedSmsLimits } = hosted.sms;
    expect(plugin.sms?.limits).toEqual(hostedSmsLimits);
    expect(plugin.bodyLimitBytes).toBe(hosted.http.bodyLimitBytes);
  });

  test('the defaults are the ones documented before the schema (README "Configuration")', () => {
    expect(DEFAULT_MFA_SETTINGS).toEqual({
      enforcement: 'optional', productName: null, issuerLabel: null, logoUrl: null, primaryColor: null, reauthWithinSeconds: 300, lockAfterFailures: 5, maxFailures: 100,
      setupTtlSeconds: 900, trustedDeviceDays: 30, supportUrl: null, supportEmail: null, passkeyRpId: null, passkeyAttestationRoots: [],
    });
    expect(plugin.login).toEqual({ maxFailuresPerAccount: 10, maxFailuresPerIp: 100, failureWindowSeconds: 900 });
    expect(plugin.sms?.limits).toEqual({ codeTtlSeconds: 600, resendCooldownSeconds: 30, perAccountPerHour: 5, perNumberPerDay: 10, perIpPerHour: 20, globalPerHour: 500, allowedCountries: null });
    expect(plugin.bodyLimitBytes).toBe(16_384);
  });

  test('a host that gives some settings keeps the defaults for the rest (createMfa().settings)', async () => {
    const store = openSqliteStore({ file: ':memory:', sweepIntervalMs: 0 });
    try {
      const mfa = createMfa(hostOptions({ store, settings: { enforcement: 'required', lockAfterFailures: 3 } }));
      expect(mfa.settings).toEqual({ ...DEFAULT_MFA_SETTINGS, enforcement: 'required', lockAfterFailures: 3 });
    } finally {
      await store.close();
    }
  });
});

describe('forgotPasswordUrl', () => {
  test.each(['/my/reset', 'https://id.host.example/reset?from=sign-in'])('%s is accepted', (url) => {
    expect(parsePluginOptions({ ...hostOptions(), forgotPasswordUrl: url }).forgotPasswordUrl).toBe(url);
  });

  test.each(['//evil.example/reset', '/\\evil.example', 'javascript:alert(1)', 'reset', ''])('%j is refused, naming the option', (url) => {
    expect(refusal(hostOptions({ forgotPasswordUrl: url })).path).toBe('forgotPasswordUrl');
  });
});
