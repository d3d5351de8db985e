import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../../src/crypto/secret-box.ts';
import { canonicalBackupCode, newBackupCode } from '../../../src/factors/backup-code/backup-code.ts';

describe('secret box (AES-256-GCM with key ids)', () => {
  const oldKey = { id: 'k-old', key: randomBytes(32) };
  const newKey = { id: 'k-new', key: randomBytes(32) };

  test('round-trips, and the sealed form reveals neither the secret nor its length in clear', () => {
    const box = createSecretBox([newKey]);
    const secret = Buffer.from('12345678901234567890');
    const sealed = box.seal(secret, 'totp:account-1');
    expect(sealed).toMatch(/^v1\.k-new\./);
    expect(sealed).not.toContain(secret.toString('base64url'));
    expect(box.open(sealed, 'totp:account-1').equals(secret)).toBe(true);
  });

  test('a value sealed under a rotated-out key still opens; new seals use the first key', () => {
    const sealedOld = createSecretBox([oldKey]).seal(Buffer.from('s'), 'c');
    const rotated = createSecretBox([newKey, oldKey]);
    expect(rotated.open(sealedOld, 'c').toString()).toBe('s');
    expect(rotated.seal(Buffer.from('s'), 'c')).toMatch(/^v1\.k-new\./);
  });

  test.each([
    ['another context (copied to another account)', (s: string) => s, 'totp:account-2'],
    ['a flipped ciphertext byte', (s: string) => s.replace(/\.([^.])([^.]*)\.([^.]*)$/, (_m, c, rest, tag) => `.${c === 'A' ? 'B' : 'A'}${rest}.${tag}`), 'totp:account-1'],
    ['an unknown key id', (s: string) => s.replace('k-new', 'k-gone'), 'totp:account-1'],
    ['garbage', () => 'not sealed', 'totp:account-1'],
  ])('refuses %s', (_label, tamper, context) => {
    const box = createSecretBox([newKey]);
    const sealed = box.seal(Buffer.from('12345678901234567890'), 'totp:account-1');
    expect(() => box.open(tamper(sealed), context)).toThrow();
  });
});

describe('backup codes', () => {
  test('16 Crockford base32 characters in groups of four (80 bits), all different', () => {
    const codes = new Set(Array.from({ length: 50 }, newBackupCode));
    expect(codes.size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  });

  test.each([
    ['k7qf-2m9x-hv4c-8rtb', 'K7QF2M9XHV4C8RTB'],
    [' K7QF 2M9X HV4C 8RTB ', 'K7QF2M9XHV4C8RTB'],
    ['O0IL-0000-0000-0000', '0011000000000000'],
  ])('%j reads as %s', (input, canonical) => {
    expect(canonicalBackupCode(input)).toBe(canonical);
  });

  test.each(['', 'short', 'K7QF-2M9X-HV4C-8RTBX', 'K7QF-2M9X-HV4C-8RTU', '🔑'.repeat(16)])('%j cannot be a backup code', (input) => {
    expect(canonicalBackupCode(input)).toBeUndefined();
  });
});
