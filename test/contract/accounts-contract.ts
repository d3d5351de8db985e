import type { AccountRecord } from '../../src/accounts/account-store.ts';
import { useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

export function accountFor(email: string, overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: `sub-${email.split('@')[0]}`,
    email,
    emailVerified: true,
    name: `Name of ${email}`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    createdAt: 1_893_456_000_123,
    credentialsChangedAt: 1_893_456_000_123,
    ...overrides,
  };
}

/** Store.accounts, as every Store must provide it. */
export function describeAccountsContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);

    describe('accounts', () => {
      it('creates an account and finds it by id and by email', async () => {
        const alice = accountFor('alice@example.com', { emailVerified: false });
        expect(await ctx.store.accounts.create(alice)).toBe('created');
        expect(await ctx.store.accounts.findById(alice.id)).toEqual(alice);
        expect(await ctx.store.accounts.findByEmail('alice@example.com')).toEqual(alice);
        expect(await ctx.store.accounts.findById('sub-nobody')).toBeUndefined();
        expect(await ctx.store.accounts.findByEmail('nobody@example.com')).toBeUndefined();
      });

      it('refuses a second account with the same email and keeps the first', async () => {
        const alice = accountFor('alice@example.com');
        await ctx.store.accounts.create(alice);
        expect(await ctx.store.accounts.create(accountFor('alice@example.com', { id: 'sub-other', name: 'Other' }))).toBe('email-taken');
        expect(await ctx.store.accounts.findById('sub-other')).toBeUndefined();
        expect(await ctx.store.accounts.findByEmail('alice@example.com')).toEqual(alice);
      });

      it('lets only one of many parallel creates take an email', async () => {
        const results = await Promise.all(Array.from({ length: 10 }, (_, index) =>
          ctx.store.accounts.create(accountFor('race@example.com', { id: `sub-${index}` }))));
        expect(results.filter((result) => result === 'created')).toHaveLength(1);
        expect(await ctx.store.accounts.list()).toHaveLength(1);
      });

      it('lists every account ordered by email', async () => {
        expect(await ctx.store.accounts.list()).toEqual([]);
        const emails = ['carol@example.com', 'alice@example.com', 'bob@example.org', 'alice@example.co'];
        for (const email of emails) await ctx.store.accounts.create(accountFor(email, { id: `sub-${email}` }));
        expect((await ctx.store.accounts.list()).map((account) => account.email)).toEqual(
          ['alice@example.co', 'alice@example.com', 'bob@example.org', 'carol@example.com']);
      });

      it('removes an account and frees its email', async () => {
        const alice = accountFor('alice@example.com');
        await ctx.store.accounts.create(alice);
        await ctx.store.accounts.create(accountFor('bob@example.com'));
        expect(await ctx.store.accounts.remove(alice.id)).toBe(true);
        expect(await ctx.store.accounts.remove(alice.id)).toBe(false);
        expect(await ctx.store.accounts.findById(alice.id)).toBeUndefined();
        expect(await ctx.store.accounts.findByEmail(alice.email)).toBeUndefined();
        expect((await ctx.store.accounts.list()).map((account) => account.email)).toEqual(['bob@example.com']);
        expect(await ctx.store.accounts.create(accountFor('alice@example.com', { id: 'sub-alice-2' }))).toBe('created');
      });

      // Unicode TS #39 skeletons: records arrive normalised (NFKC, lower case) from the directory.
      it('refuses an email that looks like an existing one (Cyrillic, Greek, Armenian letters), and keeps the first', async () => {
        const dup = accountFor('dup@example.com', { id: 'sub-dup' });
        expect(await ctx.store.accounts.create(dup)).toBe('created');
        for (const [index, lookAlike] of ['duр@example.com', 'dսp@example.com', 'dup@ехаmple.com', 'dup@examplе.cοm'].entries()) {
          expect(await ctx.store.accounts.create(accountFor(lookAlike, { id: `sub-look-${index}` }))).toBe('look-alike');
          expect(await ctx.store.accounts.findByEmail(lookAlike)).toBeUndefined();
        }
        expect(await ctx.store.accounts.create(accountFor('dup@example.com', { id: 'sub-again' }))).toBe('email-taken');
        expect(await ctx.store.accounts.create(accountFor('dupe@example.com', { id: 'sub-dupe' }))).toBe('created');
        expect((await ctx.store.accounts.list()).map((account) => account.id)).toEqual(['sub-dup', 'sub-dupe']);
      });

      it('lets only one of many parallel look-alike creates through', async () => {
        const emails = ['race@example.com', 'rаce@example.com', 'raсe@example.com', 'racе@example.com', 'rасе@example.com', 'race@exаmple.com'];
        const results = await Promise.all(emails.map((email, index) => ctx.store.accounts.create(accountFor(email, { id: `sub-race-${index}` }))));
        expect(results.filter((result) => result === 'created')).toHaveLength(1);
        expect(await ctx.store.accounts.list()).toHaveLength(1);
      });

      it('frees the look-alike of a removed account', async () => {
        await ctx.store.accounts.create(accountFor('gone@example.com', { id: 'sub-gone' }));
        expect(await ctx.store.accounts.remove('sub-gone')).toBe(true);
        expect(await ctx.store.accounts.create(accountFor('gоne@example.com', { id: 'sub-new' }))).toBe('created');
      });

      it('updates the password hash and when the credentials changed', async () => {
        const alice = accountFor('alice@example.com');
        await ctx.store.accounts.create(alice);
        expect(await ctx.store.accounts.updatePassword(alice.id, '$argon2id$new', alice.createdAt + 5_000)).toBe(true);
        expect(await ctx.store.accounts.findByEmail(alice.email)).toEqual(
          { ...alice, passwordHash: '$argon2id$new', credentialsChangedAt: alice.createdAt + 5_000 });
        expect(await ctx.store.accounts.updatePassword('sub-nobody', '$argon2id$new', 1)).toBe(false);
        expect(await ctx.store.accounts.findById('sub-nobody')).toBeUndefined();
      });
    });
  });
}
