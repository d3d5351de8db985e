import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeysFile, parseKeys } from '../../src/hosted/config/keys.ts';
import { validateConfig, type Config, type Keys } from '../../src/hosted/config/schema.ts';

const defaults = JSON.parse(readFileSync(new URL('../../config/default.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** The shipped defaults with a test environment, a temporary data dir and the given overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = validateConfig({ ...defaults, env: 'test' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oidc-mfa-test-'));
  return {
    ...base,
    dataDir,
    sms: { ...base.sms, outboxFile: path.join(dataDir, 'sms-outbox.jsonl') },
    mail: { ...base.mail, outboxFile: path.join(dataDir, 'email-outbox.jsonl') },
    ...overrides,
  };
}

let sharedKeys: Keys | undefined;

/** One RSA key per test file: generating a key per test would be slow and prove nothing. */
export function testKeys(): Keys {
  sharedKeys ??= parseKeys(generateKeysFile());
  return sharedKeys;
}
