import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JWK } from 'oidc-provider';
import { ConfigError, ConfigProblems } from '../../config/config-error.ts';
import type { PurposeSecrets } from '../../config/purpose-secrets.ts';
import { generatePurposeSecrets, purposeSecretsOf } from './purpose-secrets-file.ts';
import { readSettingsFile } from './read-settings-file.ts';
import { KEYS_GENERATE_COMMAND, type Config, type Keys } from './schema.ts';

/** The keys file as stored: JSON, key material base64url. */
export interface KeysFile {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  sealingKeys: { id: string; key: string }[];
  /** One list per purpose (purpose-secrets-file.ts); a file without it derives them from cookieKeys[0]. */
  secrets?: PurposeSecrets & { passwordResets?: string[] };
}

/** A fresh set of keys: RS256 signing key (the ID token default alg), cookie keys, a sealing key, a secret per purpose. */
export function generateKeysFile(): KeysFile {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' } as JWK;
  return {
    jwks: { keys: [jwk] },
    cookieKeys: [randomBytes(32).toString('base64url')],
    sealingKeys: [{ id: `k-${new Date().toISOString().slice(0, 10)}`, key: randomBytes(32).toString('base64url') }],
    secrets: generatePurposeSecrets(),
  };
}

/** `npm run cli -- keys generate > keys.json` (without --silent or --out) starts the file with npm's "> script" banner. */
const NPM_BANNER = /^\s*> /;

function parseKeysFile(file: string): Keys {
  const text = readSettingsFile(`KEYS_FILE ${file}`, file);
  if (NPM_BANNER.test(text)) {
    throw new ConfigError(`KEYS_FILE ${file}`, `is not JSON: it starts with npm's "> …" banner (it was made with \`npm run cli … > file\`); make it again with \`${KEYS_GENERATE_COMMAND}\``);
  }
  let raw: KeysFile;
  try {
    raw = JSON.parse(text) as KeysFile;
  } catch (error) {
    throw new ConfigError(`KEYS_FILE ${file}`, `could not be read as JSON: ${(error as Error).message}`);
  }
  return parseKeys(raw, `KEYS_FILE ${file}`);
}

/** Checks a keys file's content and decodes it; `file` only names it in errors. Every problem is reported at once. */
export function parseKeys(raw: KeysFile, file = 'keys'): Keys {
  const problems = new ConfigProblems();
  if (typeof raw !== 'object' || raw === null) throw new ConfigError(file, 'must hold a JSON object with jwks, cookieKeys and sealingKeys');
  if (!Array.isArray(raw.jwks?.keys) || raw.jwks.keys.length === 0 || raw.jwks.keys.some((k) => typeof k?.d !== 'string')) {
    problems.add(`${file}: jwks.keys`, 'must hold at least one private signing key (JWK with "d")');
  }
  if (!Array.isArray(raw.cookieKeys) || raw.cookieKeys.length === 0 || raw.cookieKeys.some((k) => typeof k !== 'string' || k.length < 32)) {
    problems.add(`${file}: cookieKeys`, 'must hold at least one key of 32 or more characters');
  }
  const sealingKeys: Keys['sealingKeys'] = [];
  if (!Array.isArray(raw.sealingKeys) || raw.sealingKeys.length === 0) {
    problems.add(`${file}: sealingKeys`, 'must hold at least one {"id","key"} entry');
  } else {
    raw.sealingKeys.forEach((entry, index) => {
      const key = typeof entry?.key === 'string' ? Buffer.from(entry.key, 'base64url') : Buffer.alloc(0);
      if (typeof entry?.id !== 'string' || !/^[\w.-]{1,64}$/.test(entry.id) || key.length !== 32) {
        problems.add(`${file}: sealingKeys[${index}]`, 'needs an id (letters, digits, ._-) and a base64url key of exactly 32 bytes (AES-256)');
      } else {
        sealingKeys.push({ id: entry.id, key });
      }
    });
  }
  // Secrets from an older file are derived from its first cookie key: only once that key is good.
  const cookieKeysFine = problems.list.every(({ path }) => path !== `${file}: cookieKeys`);
  const secrets = cookieKeysFine ? problems.attempt(() => purposeSecretsOf(raw, file)) : undefined;
  problems.check();
  return { jwks: raw.jwks, cookieKeys: raw.cookieKeys, sealingKeys, secrets: secrets! };
}

/**
 * Production: the operator's KEYS_FILE, or the process refuses to start.
 * Development and test: generated on first start into DATA_DIR (mode 0600) and reused after,
 * so sessions and sealed secrets survive a restart.
 */
export function loadKeys(config: Config): Keys {
  if (config.keysFile) return parseKeysFile(config.keysFile);
  if (config.env === 'production') {
    throw new ConfigError('KEYS_FILE', `is required when NODE_ENV=production (make one with \`${KEYS_GENERATE_COMMAND}\`, then set KEYS_FILE=keys.json)`);
  }
  const file = path.join(config.dataDir, 'dev-keys.json');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, JSON.stringify(generateKeysFile(), null, 2), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another instance made them first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return parseKeysFile(file);
}
