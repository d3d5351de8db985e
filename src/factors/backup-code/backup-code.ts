import { randomInt } from 'node:crypto';

/**
 * Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or copied by hand survives.
 * 16 characters × 5 bits = 80 bits of entropy (NIST SP 800-63B §5.1.2.1 asks for at least 64
 * for a look-up secret).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const BACKUP_CODE_LENGTH = 16;

/** A new code, shown to its owner once, in groups of four: `K7QF-2M9X-HV4C-8RTB`. */
export function newBackupCode(): string {
  let code = '';
  for (let i = 0; i < BACKUP_CODE_LENGTH; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code.match(/.{4}/g)!.join('-');
}

/**
 * What is hashed and compared: upper case, separators dropped, and the letters people confuse
 * mapped as Crockford does (O→0, I/L→1). Undefined when it cannot be a backup code at all.
 */
export function canonicalBackupCode(input: string): string | undefined {
  const canonical = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (canonical.length !== BACKUP_CODE_LENGTH || ![...canonical].every((char) => ALPHABET.includes(char))) return undefined;
  return canonical;
}
