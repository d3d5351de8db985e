import { createHmac } from 'node:crypto';
import { ConfigError } from '../../../src/config/config-error.ts';
import { generateKeysFile, parseKeys } from '../../../src/hosted/config/keys.ts';

describe('the keys file\'s secrets, one list per purpose', () => {
  test('keys generate writes a separate secret for each purpose, and they are read back', () => {
    const file = generateKeysFile();
    const secrets = file.secrets!;
    const all = [secrets.csrf, secrets.textCodes, secrets.trustedDevices, secrets.loginDevices, secrets.passwordResets!].map((list) => list[0]);
    expect(new Set(all).size).toBe(5);
    expect(parseKeys(file).secrets).toEqual(secrets);
  });

  test('a keys file from before derives each purpose\'s secret from its first cookie key as earlier versions did, so nothing made then is voided', () => {
    const { secrets: _none, ...older } = generateKeysFile();
    const cookieKey = older.cookieKeys[0]!;
    const derived = (purpose: string) => createHmac('sha256', cookieKey).update(`oidc-mfa ${purpose}`).digest('base64url');
    expect(parseKeys(older).secrets).toEqual({
      csrf: [cookieKey],
      textCodes: [derived('sms-codes')],
      trustedDevices: [derived('trusted-device')],
      loginDevices: [derived('login-device')],
      passwordResets: [derived('password-reset')],
    });
  });

  test('a bad secret is refused naming its place in the file, never its value', () => {
    const file = generateKeysFile();
    const bad = { ...file, secrets: { ...file.secrets!, trustedDevices: ['too short to be a secret'] } };
    let error: unknown;
    try {
      parseKeys(bad, 'keys.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('keys.json: secrets.trustedDevices[0]');
    expect((error as ConfigError).message).not.toContain('too short');
  });
});
