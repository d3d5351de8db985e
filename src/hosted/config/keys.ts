import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JWK } from 'oidc-provider';
import { ConfigError } from '../../config/config-error.ts';
import type { PurposeSecrets } from '../../config/purpose-secrets.ts';
import { generatePurposeSecrets, purposeSecretsOf } from './purpose-secrets-file.ts';
import type { Config, Keys } from './schema.ts';

/** The keys file as stored: JSON, key material base64url. */
export interface KeysFile {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
  sealingKeys: { id: string; key: string }[];
  /** One list per purpose (purpose-secrets-file.ts); a file without it derives them from cookieKeys[0]. */
  secrets?: PurposeSecrets;
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

function parseKeysFile(file: string): Keys {
  let raw: KeysFile;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as KeysFile;
  } catch (error) {
    throw new ConfigError(`keys file ${file}`, `could not be read as JSON: ${(error as Error).message}`);
  }
  return parseKeys(raw, file);
}

/** Checks a keys file's content and decodes it; `file` only names it in errors. */
export function parseKeys(raw: KeysFile, file = 'keys'): Keys {
  if (!Array.isArray(raw?.jwks?.keys) || raw.jwks.keys.length === 0 || raw.jwks.keys.some((k) => typeof k?.d !== 'string')) {
    throw new ConfigError(`${file}: jwks.keys`, 'must hold at least one private signing key (JWK with "d")');
  }
  if (!Array.isArray(raw.cookieKeys) || raw.cookieKeys.length === 0 || raw.cookieKeys.some((k) => typeof k !== 'string' || k.length < 32)) {
    throw new ConfigError(`${file}: cookieKeys`, 'must hold at least one key of 32 or more characters');
  }
  if (!Array.isArray(raw.sealingKeys) || raw.sealingKeys.length === 0) {
    throw new ConfigError(`${file}: sealingKeys`, 'must hold at least one {"id","key"} entry');
  }
  const sealingKeys = raw.sealingKeys.map((entry, index) => {
    const key = typeof entry?.key === 'string' ? Buffer.from(entry.key, 'base64url') : Buffer.alloc(0);
    if (typeof entry?.id !== 'string' || !/^[\w.-]{1,64}$/.test(entry.id) || key.length !== 32) {
      throw new ConfigError(`${file}: sealingKeys[${index}]`, 'needs an id (letters, digits, ._-) and a base64url key of exactly 32 bytes (AES-256)');
    }
    return { id: entry.id, key };
  });
  return { jwks: raw.jwks, cookieKeys: raw.cookieKeys, sealingKeys, secrets: purposeSecretsOf(raw, file) };
}

/**
 * Production: the operator's KEYS_FILE, or the process refuses to start.
 * Development and test: generated on first start into DATA_DIR (mode 0600) and reused after,
 * so sessions and sealed secrets survive a restart.
 */
export function loadKeys(config: Config): Keys {
  if (config.keysFile) return parseKeysFile(config.keysFile);
  if (config.env === 'production') {
    throw new ConfigError('KEYS_FILE', 'is required when NODE_ENV=production (make one with `npm run cli -- keys generate`)');
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
