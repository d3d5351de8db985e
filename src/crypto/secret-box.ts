import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A key that seals MFA secrets, named so that sealed values say which key opens them (rotation). */
export interface SealingKey {
  id: string;
  /** 32 bytes for AES-256-GCM. */
  key: Buffer;
}

/** NIST SP 800-38D §8.2: a 96-bit random IV per message under one key. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

/**
 * Secrets at rest (TOTP seeds): AES-256-GCM under the first configured key, labelled with its
 * key id so older keys still open what they sealed (rotation). `context` is bound in as
 * additional authenticated data: a sealed value copied to another account will not open.
 */
export interface SecretBox {
  seal(plaintext: Buffer, context: string): string;
  open(sealed: string, context: string): Buffer;
}

export function createSecretBox(keys: SealingKey[]): SecretBox {
  const current = keys[0];
  if (!current) throw new Error('at least one sealing key is required');
  const byId = new Map(keys.map((key) => [key.id, key.key]));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return [FORMAT, current.id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [format, keyId, iv, body, tag] = sealed.split('.');
      const key = keyId === undefined ? undefined : byId.get(keyId);
      if (format !== FORMAT || !key || iv === undefined || body === undefined || tag === undefined) {
        throw new Error('sealed secret is malformed or its key is not configured');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    },
  };
}
