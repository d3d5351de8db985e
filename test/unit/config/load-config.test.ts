import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/config/config-error.ts';
import { generateKeysFile, loadKeys } from '../../../src/hosted/config/keys.ts';
import { loadConfig } from '../../../src/hosted/config/load-config.ts';

describe('loadConfig', () => {
  test('defaults: port 3000, localhost issuer, embedded store, demo app on', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', port: 3000, issuer: 'http://localhost:3000', redis: { url: null }, demoApp: { enabled: true, port: 3001 } });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  test('the environment overrides the defaults', () => {
    const config = loadConfig({ PORT: '8080', ISSUER: 'https://id.example.com/', REDIS_URL: 'redis://cache:6379', DEMO_APP: 'false', DATA_DIR: '/var/lib/oidc-mfa', NODE_ENV: 'test' });
    expect(config).toMatchObject({ env: 'test', port: 8080, issuer: 'https://id.example.com', redis: { url: 'redis://cache:6379' }, demoApp: { enabled: false }, dataDir: '/var/lib/oidc-mfa' });
  });

  test.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'config.port'],
    [{ ISSUER: 'not a url' }, 'config.issuer'],
    [{ ISSUER: 'https://id.example.com/?x=1' }, 'config.issuer'],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL'],
    [{ DEMO_APP: 'maybe' }, 'DEMO_APP'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ NODE_ENV: 'production', ISSUER: 'http://id.example.com' }, 'config.issuer'],
  ])('%j is refused, naming %s', (env, where) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(where);
  });
});

describe('loadKeys', () => {
  const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'oidc-mfa-keys-'));

  test('development: generated once into DATA_DIR with mode 0600, then reused', () => {
    const dataDir = tempDir();
    const config = { ...loadConfig({ NODE_ENV: 'test' }), dataDir };
    const first = loadKeys(config);
    const second = loadKeys(config);
    expect(second.jwks.keys[0]!.kid).toBe(first.jwks.keys[0]!.kid);
    expect(second.sealingKeys[0]!.key.length).toBe(32);
    expect(statSync(path.join(dataDir, 'dev-keys.json')).mode & 0o777).toBe(0o600);
  });

  test('production refuses to start without KEYS_FILE, saying the command that makes one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ISSUER: 'https://id.example.com' })).toThrow('KEYS_FILE');
    // A configuration built elsewhere (a test, a host) is refused by loadKeys too.
    const config = { ...loadConfig({ NODE_ENV: 'production', ISSUER: 'https://id.example.com', KEYS_FILE: '/x' }), keysFile: null };
    expect(() => loadKeys(config)).toThrow('KEYS_FILE is required when NODE_ENV=production (make one with `npm run --silent cli -- keys generate --out keys.json`');
  });

  test('a keys file is validated: a sealing key of the wrong size names its entry', () => {
    const file = path.join(tempDir(), 'keys.json');
    const keys = generateKeysFile();
    writeFileSync(file, JSON.stringify({ ...keys, sealingKeys: [{ id: 'short', key: 'AAAA' }] }));
    const config = loadConfig({ NODE_ENV: 'production', ISSUER: 'https://id.example.com', KEYS_FILE: file });
    expect(() => loadKeys(config)).toThrow('sealingKeys[0]');
    writeFileSync(file, JSON.stringify(keys));
    expect(loadKeys(config).cookieKeys).toEqual(keys.cookieKeys);
  });
});
