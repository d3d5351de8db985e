import { readFileSync } from 'node:fs';
import { hotp, type OtpAlgorithm } from '../../../src/factors/totp/hotp.ts';
import { base32Key, groupedKey, matchTotp, newTotpSecret, otpauthUri, timeStep, totpCode } from '../../../src/factors/totp/totp.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';

// RFC 4226 Appendix D and RFC 6238 Appendix B, copied from the shared reference into this project.
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/otp-vectors.json', import.meta.url), 'utf8')) as {
  hotp: { secretAscii: string; digits: number; codes: string[] };
  totp: { period: number; digits: number; seedsAscii: Record<OtpAlgorithm, string>; vectors: ({ time: number } & Record<OtpAlgorithm, string>)[] };
};

describe('HOTP: RFC 4226 Appendix D', () => {
  test.each(vectors.hotp.codes.map((code, counter) => [counter, code]))('counter %i → %s', (counter, code) => {
    expect(hotp(Buffer.from(vectors.hotp.secretAscii), counter as number, vectors.hotp.digits)).toBe(code);
  });
});

describe('TOTP: RFC 6238 Appendix B (each algorithm with a seed as long as its hash)', () => {
  const cases = vectors.totp.vectors.flatMap((v) => (['SHA1', 'SHA256', 'SHA512'] as const).map((alg) => [v.time, alg, v[alg]] as const));
  test.each(cases)('T=%i %s → %s', (time, algorithm, code) => {
    const step = Math.floor(time / vectors.totp.period);
    expect(hotp(Buffer.from(vectors.totp.seedsAscii[algorithm]), step, vectors.totp.digits, algorithm)).toBe(code);
  });

  test('the 20-byte seed with SHA-256 does not give the published value (the errata trap)', () => {
    expect(hotp(Buffer.from(vectors.totp.seedsAscii.SHA1), 1, 8, 'SHA256')).toBe('32247374');
  });
});

describe('matchTotp on a fake clock', () => {
  const secret = Buffer.from(vectors.hotp.secretAscii);
  const clock = createFakeClock(1_111_111_109_000);
  const now = timeStep(clock());

  test.each([
    ['the current step', 0],
    ['one step behind (drift)', -1],
    ['one step ahead (drift)', 1],
  ])('accepts a code of %s and returns its step', (_label, offset) => {
    expect(matchTotp(secret, totpCode(secret, now + offset), clock(), null)).toBe(now + offset);
  });

  test.each([
    ['two steps behind', -2],
    ['two steps ahead', 2],
  ])('refuses a code from %s', (_label, offset) => {
    expect(matchTotp(secret, totpCode(secret, now + offset), clock(), null)).toBeUndefined();
  });

  test('refuses a step at or before the last accepted one (replay)', () => {
    const code = totpCode(secret, now);
    expect(matchTotp(secret, code, clock(), now)).toBeUndefined();
    expect(matchTotp(secret, code, clock(), now - 1)).toBe(now);
  });

  test.each(['', '12345', '1234567', 'abcdef', '١٢٣٤٥٦', '12 456'])('refuses the malformed code %j without throwing', (code) => {
    expect(matchTotp(secret, code, clock(), null)).toBeUndefined();
  });

  test('a code stops working when the clock moves two steps on', () => {
    const code = totpCode(secret, now);
    clock.advance(2 * 30_000);
    expect(matchTotp(secret, code, clock(), null)).toBeUndefined();
  });
});

describe('enrolment material', () => {
  test('secrets are 160 bits from the CSPRNG, and differ', () => {
    const a = newTotpSecret();
    expect(a).toHaveLength(20);
    expect(newTotpSecret().equals(a)).toBe(false);
  });

  test('the key is RFC 4648 base32, shown in groups of four', () => {
    const secret = Buffer.from(vectors.hotp.secretAscii);
    expect(base32Key(secret)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(groupedKey(secret)).toBe('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
  });

  test('the otpauth URI names issuer and account, SHA1, 6 digits, 30 s', () => {
    const uri = new URL(otpauthUri(Buffer.from(vectors.hotp.secretAscii), 'oidc-mfa', 'ada@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/oidc-mfa:ada@example.com');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: 'oidc-mfa', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'SHA1', digits: '6', period: '30',
    });
  });
});
