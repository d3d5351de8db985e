import { createAccountDirectory } from '../../src/hosted/account-directory.ts';
import { emailSkeleton } from '../../src/accounts/email-skeleton.ts';
import { hasInvisibleCharacters, normalizeEmail } from '../../src/accounts/normalize-email.ts';
import { AppError, type ErrorCode } from '../../src/errors.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { openTestStore, STORE_KINDS } from '../helpers/test-stores.ts';

/**
 * Look-alike emails (Unicode TS #39, "Unicode Security Mechanisms"): an address that only
 * *looks* like an existing one — fullwidth letters, Cyrillic or Greek look-alikes, zero-width
 * or bidi characters — must never become a second account beside it.
 */
const PASSWORD = 'a long enough password';

async function refusal(promise: Promise<unknown>): Promise<ErrorCode | 'created'> {
  try {
    await promise;
    return 'created';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('normalising and screening addresses', () => {
  test.each([
    ['ＤＵＰ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'dup@example.com'],
    ['𝐝𝐮𝐩@example.com', 'dup@example.com'],
    ['  Dup@Example.COM ', 'dup@example.com'],
    ['ÉLODIE@exemple.fr', 'élodie@exemple.fr'],
  ])('%j is matched as %j (NFKC, then lower case)', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  test.each([
    ['zero-width space', 'd\u200Bup@example.com'],
    ['zero-width joiner', 'du\u200Dp@example.com'],
    ['word joiner', 'dup\u2060@example.com'],
    ['right-to-left override', 'dup@\u202Eexample.com'],
    ['left-to-right mark', '\u200Edup@example.com'],
    ['soft hyphen', 'd\u00ADup@example.com'],
    ['byte order mark inside', 'dup@exa\uFEFFmple.com'],
    ['variation selector', 'dup\uFE0F@example.com'],
    ['tag character', 'dup@example.com\u{E0041}'],
  ])('%s is invisible', (_label, input) => {
    expect(hasInvisibleCharacters(input)).toBe(true);
  });

  test('ordinary addresses, accented letters and other scripts are not invisible', () => {
    for (const input of ['dup@example.com', 'élodie@exemple.fr', 'иван@пример.рф', '用户@例子.中国']) expect(hasInvisibleCharacters(input)).toBe(false);
  });

  test.each([
    ['duр@example.com', 'Cyrillic р'],
    ['dսp@example.com', 'Armenian ս'],
    ['dup@ехаmple.com', 'Cyrillic е, х, а'],
    ['dup@example.cοm', 'Greek ο'],
    ['ԁup@example.com', 'Cyrillic ԁ'],
  ])('%j has the skeleton of dup@example.com (%s)', (input) => {
    expect(emailSkeleton(normalizeEmail(input))).toBe(emailSkeleton('dup@example.com'));
  });

  test('ASCII addresses keep their own skeletons: 1 and l, 0 and o, rn and m stay apart', () => {
    const skeletons = new Set(['bill1@example.com', 'billl@example.com', 'j0e@example.com', 'joe@example.com', 'modern@example.com', 'rnodern@example.com'].map(emailSkeleton));
    expect(skeletons.size).toBe(6);
  });
});

describe.each(STORE_KINDS)('account directory on %s', (kind) => {
  const setup = async () => {
    const testStore = await openTestStore(kind, createFakeClock());
    const directory = createAccountDirectory(testStore.store.accounts, createFakeClock());
    const dup = await directory.add({ email: 'dup@example.com', password: PASSWORD });
    return { testStore, directory, dup };
  };

  test('a fullwidth or differently cased form is the same address (taken), and signs in to the same account', async () => {
    const { testStore, directory, dup } = await setup();
    expect(await refusal(directory.add({ email: 'ＤＵＰ＠ｅｘａｍｐｌｅ．ｃｏｍ', password: PASSWORD }))).toBe('EMAIL_TAKEN');
    expect(await refusal(directory.add({ email: 'DUP@example.com', password: PASSWORD }))).toBe('EMAIL_TAKEN');
    expect(await directory.authenticate('ｄｕｐ＠ｅｘａｍｐｌｅ．ｃｏｍ', PASSWORD)).toBe(dup.id);
    expect(await directory.findByEmail('Dup@Example.com')).toMatchObject({ id: dup.id });
    expect(await directory.list()).toHaveLength(1);
    await testStore.dispose();
  });

  test('a look-alike in another script is refused with EMAIL_LOOKS_TAKEN (409), and no account is made', async () => {
    const { testStore, directory } = await setup();
    for (const email of ['duр@example.com', 'dսp@example.com', 'DUР@EXAMPLE.COM', 'dup@ехаmple.com', 'ｄｕр@example.com']) {
      expect(await refusal(directory.add({ email, password: PASSWORD }))).toBe('EMAIL_LOOKS_TAKEN');
    }
    expect(new AppError('EMAIL_LOOKS_TAKEN').status).toBe(409);
    expect(await directory.list()).toHaveLength(1);
    // An address that only shares a prefix is no look-alike.
    expect(await refusal(directory.add({ email: 'dupe@example.com', password: PASSWORD }))).toBe('created');
    await testStore.dispose();
  });

  test('an address with invisible characters is refused with EMAIL_INVISIBLE_CHARACTERS (400), whatever else it matches', async () => {
    const { testStore, directory } = await setup();
    for (const email of ['d\u200Bup@example.com', 'dup\u200D@example.com', 'dup@\u202Eexample.com', 'd\u00ADup@example.com', 'new\u2060person@example.com']) {
      expect(await refusal(directory.add({ email, password: PASSWORD }))).toBe('EMAIL_INVISIBLE_CHARACTERS');
    }
    expect(new AppError('EMAIL_INVISIBLE_CHARACTERS').status).toBe(400);
    expect(await directory.list()).toHaveLength(1);
    // Nor does such an address sign in to the account it imitates.
    expect(await directory.authenticate('d\u200Bup@example.com', PASSWORD)).toBeUndefined();
    await testStore.dispose();
  });
});
