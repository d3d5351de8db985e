import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/config/config-error.ts';
import { generateKeysFile, loadKeys, parseKeys } from '../../../src/hosted/config/keys.ts';
import { loadConfig } from '../../../src/hosted/config/load-config.ts';
import { validateConfig } from '../../../src/hosted/config/schema.ts';
import { loadClients } from '../../../src/hosted/provider/load-clients.ts';

/** The ConfigError a call throws (the test fails if it throws nothing, or something else). */
function refusal(call: () => unknown): ConfigError {
  try {
    call();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'oidc-mfa-problems-'));

describe('configuration problems are reported all at once, each with its path', () => {
  test('variables, schema and production rules: every problem in one ConfigError', () => {
    const error = refusal(() => loadConfig({
      NODE_ENV: 'production',
      PORT: 'eighty',
      DEMO_APP: 'maybe',
      ISSUER: 'http://id.example.com',
      STORE_TIMEOUT_MS: '5',
      MFA_ENFORCEMENT: 'sometimes',
      SMS_PROVIDER: 'outbox',
    }));
    expect(error.problems.map((p) => p.path)).toEqual([
      'PORT',
      'DEMO_APP',
      'config.storeTimeoutMs (STORE_TIMEOUT_MS)',
      'config.mfa.enforcement (MFA_ENFORCEMENT)',
      'config.issuer (ISSUER)',
      'config.keysFile (KEYS_FILE)',
      'config.sms.provider (SMS_PROVIDER)',
    ]);
    expect(error.path).toBe('PORT');
    expect(error.message.split('\n')).toEqual([
      'config: 7 problems',
      '  - PORT must be a whole number (got "eighty")',
      '  - DEMO_APP must be true or false (got "maybe")',
      '  - config.storeTimeoutMs (STORE_TIMEOUT_MS) must be an integer from 100 to 60000 (got 5)',
      '  - config.mfa.enforcement (MFA_ENFORCEMENT) must be "optional" or "required" (got "sometimes")',
      '  - config.issuer (ISSUER) must use https when NODE_ENV=production',
      '  - config.keysFile (KEYS_FILE) is required when NODE_ENV=production (make one with `npm run --silent cli -- keys generate --out keys.json`, then set KEYS_FILE=keys.json)',
      '  - config.sms.provider (SMS_PROVIDER) must not be outbox when NODE_ENV=production: use twilio, twilio-verify or none',
    ]);
  });

  test('one problem keeps the one-line message', () => {
    expect(refusal(() => loadConfig({ PORT: 'eighty' })).message).toBe('config: PORT must be a whole number (got "eighty")');
  });

  test('several mistakes in a JSON file, misspelt names included, are all listed', () => {
    const error = refusal(() => validateConfig({ env: 'test', mfa: { lockAfterFailure: 3, trustedDeviceDays: 0 }, ttl: { sessionSeconds: -1 }, login: 10 }));
    // In the schema's order: a section's known settings, then its unknown ones.
    expect(error.problems).toEqual([
      { path: 'config.login', problem: 'must be an object (got 10)' },
      { path: 'config.mfa.trustedDeviceDays', problem: 'must be an integer from 1 to 400 (got 0)' },
      { path: 'config.mfa.lockAfterFailure', problem: 'is not a known setting (misspelt?)' },
      { path: 'config.ttl.sessionSeconds', problem: 'must be an integer from 1 to 31536000 (got -1)' },
    ]);
  });

  test('a value that breaks several rules is told once', () => {
    const error = refusal(() => validateConfig({ env: 'test', mfa: { lockAfterFailures: -1.5 } }));
    expect(error.problems).toEqual([{ path: 'config.mfa.lockAfterFailures', problem: 'must be an integer from 1 to 100 (got -1.5)' }]);
  });

  test('a rule that ties settings together runs only when they are fine on their own', () => {
    // NODE_ENV is wrong, so nothing is said about an http issuer "in production".
    const error = refusal(() => loadConfig({ NODE_ENV: 'staging', ISSUER: 'not a url' }));
    expect(error.problems.map((p) => p.path)).toEqual(['config.env (NODE_ENV)', 'config.issuer (ISSUER)']);
    expect(error.message).toContain('config.issuer (ISSUER) must be an absolute URL (got "not a url")');
  });

  test('every Twilio problem at once, secrets never echoed', () => {
    const error = refusal(() => loadConfig({
      SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC-not-a-sid', TWILIO_AUTH_TOKEN: 'short', TWILIO_MESSAGING_SERVICE_SID: 'MG-bad', TWILIO_FROM: '+15005550006',
    }));
    expect(error.problems.map((p) => p.path)).toEqual([
      'config.sms.twilio.accountSid', 'config.sms.twilio.authToken', 'config.sms.twilio.messagingServiceSid', 'config.sms.twilio',
    ]);
    expect(error.message).not.toMatch(/AC-not-a-sid|short\b|MG-bad/);
  });

  test('a keys file with several mistakes lists each, naming the file', () => {
    const keys = generateKeysFile();
    const error = refusal(() => parseKeys({ ...keys, cookieKeys: ['short'], sealingKeys: [{ id: 'ok', key: 'AAAA' }, { id: 'bad id!', key: keys.sealingKeys[0]!.key }] }, 'KEYS_FILE k.json'));
    expect(error.problems.map((p) => p.path)).toEqual(['KEYS_FILE k.json: cookieKeys', 'KEYS_FILE k.json: sealingKeys[0]', 'KEYS_FILE k.json: sealingKeys[1]']);
  });

  test("a keys file made with `npm run cli -- keys generate > file` (npm's banner first) says how to make a good one", () => {
    const file = path.join(tempDir(), 'keys.json');
    writeFileSync(file, `\n> oidc-mfa@0.1.0 cli\n> node src/hosted/cli/main.ts keys generate\n\n${JSON.stringify(generateKeysFile())}\n`);
    const config = loadConfig({ NODE_ENV: 'production', ISSUER: 'https://id.example.com', KEYS_FILE: file });
    const error = refusal(() => loadKeys(config));
    expect(error.message).toBe(`config: KEYS_FILE ${file} is not JSON: it starts with npm's "> …" banner (it was made with \`npm run cli … > file\`); make it again with \`npm run --silent cli -- keys generate --out keys.json\``);
  });

  test('a missing keys or clients file says so in plain words', () => {
    const missing = path.join(tempDir(), 'nope.json');
    expect(refusal(() => loadClients(missing)).message).toBe(`config: CLIENTS_FILE ${missing} does not exist`);
    const config = loadConfig({ NODE_ENV: 'production', ISSUER: 'https://id.example.com', KEYS_FILE: missing });
    expect(refusal(() => loadKeys(config)).message).toBe(`config: KEYS_FILE ${missing} does not exist`);
  });

  test('a clients file lists every entry without a client_id', () => {
    const file = path.join(tempDir(), 'clients.json');
    writeFileSync(file, JSON.stringify([{ client_id: 'ok', redirect_uris: ['https://a.example/cb'] }, { client_name: 'no id' }, 'text']));
    expect(refusal(() => loadClients(file)).problems.map((p) => p.path)).toEqual([`CLIENTS_FILE ${file}[1]`, `CLIENTS_FILE ${file}[2]`]);
  });
});

test('a configuration that is not even an object is one problem, not a crash', () => {
  expect(() => validateConfig(null)).toThrow('config: config must be an object (got null)');
  expect(() => validateConfig([1])).toThrow(ConfigError);
});
