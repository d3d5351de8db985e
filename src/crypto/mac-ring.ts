import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The secrets of one purpose, newest first (HMAC-SHA-256): the first makes every new MAC, each
 * one is still accepted. Rotation: put a new secret in front, drop the old one once what it made
 * has expired. Each purpose (CSRF, text-code hashes, trusted-device hashes, device cookies) has
 * its own ring, so rotating one voids nothing made for another.
 */
export interface MacRing {
  /** The MAC of `data` under the newest secret (base64url). */
  sign(data: string): string;
  /** The MAC of `data` under each secret, newest first: for lookups where the MAC is a store key. */
  all(data: string): string[];
  /** Whether `mac` is the MAC of `data` under one of the secrets; compared as text, in constant time each. */
  verify(data: string, mac: string): boolean;
}

/** `keyOf` turns a configured secret into the HMAC key (a labelled derivation, where a purpose had one before). */
export function macRing(secrets: readonly string[], keyOf: (secret: string) => string | Buffer = (secret) => secret): MacRing {
  if (secrets.length === 0) throw new Error('a MAC ring needs at least one secret');
  const keys = secrets.map(keyOf);
  const macUnder = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest('base64url');
  return {
    sign: (data) => macUnder(keys[0]!, data),
    all: (data) => keys.map((key) => macUnder(key, data)),
    verify(data, mac) {
      const given = Buffer.from(mac);
      let found = false;
      // Every key is tried, so the time does not tell which one matched.
      for (const key of keys) {
        const expected = Buffer.from(macUnder(key, data));
        if (expected.length === given.length && timingSafeEqual(expected, given)) found = true;
      }
      return found;
    },
  };
}
