import { DEFAULT_MFA_SETTINGS } from '../../src/config/settings-schema.ts';
import { createPasskeys, type Passkeys } from '../../src/factors/passkey/passkeys.ts';
import { relyingPartyOf } from '../../src/factors/passkey/relying-party.ts';
import { createFactorGuard } from '../../src/guard/factor-guard.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { createSoftAuthenticator, type SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/test-stores.ts';

/**
 * The two WebAuthn ceremonies against real bytes from a software authenticator, on both stores:
 * what works, and every way an answer made for something else is refused ("attack state").
 */
const ISSUER = 'https://id.example.com';
const ORIGIN = 'https://id.example.com';
const ALICE = 'sub-alice';
const BOB = 'sub-bob';
const SET_UP = { how: 'security-page', device: 'Chrome on Linux' } as const;

describe.each(STORE_KINDS)('passkey ceremonies on %s', (kind) => {
  let opened: TestStore;
  let passkeys: Passkeys;
  let device: SoftAuthenticator;
  const clock = createFakeClock();

  beforeEach(async () => {
    opened = await openTestStore(kind, clock);
    const guard = createFactorGuard(opened.store.counters, DEFAULT_MFA_SETTINGS);
    passkeys = createPasskeys({ store: opened.store.mfa, guard, transient: opened.store.transient, clock, rp: relyingPartyOf(ISSUER, 'oidc-mfa') });
    device = createSoftAuthenticator({ origin: ORIGIN, backupEligible: true, backupState: true, counterStart: 1 });
  });
  afterEach(() => opened.dispose());

  async function register(accountId = ALICE, scope = 'console:a', holder = device) {
    const options = await passkeys.registrationOptions(accountId, `${accountId}@example.com`, scope);
    return passkeys.register(accountId, scope, holder.register(options), 'Laptop', SET_UP);
  }
  const passkeyOf = async (accountId: string) => (await opened.store.mfa.get(accountId))?.credentials.find((method) => method.type === 'passkey');

  it('registration: options for this RP with UV required and attestation none; the credential is stored with counter, transports and BE/BS', async () => {
    const options = await passkeys.registrationOptions(ALICE, 'alice@example.com', 'console:a');
    expect(options).toMatchObject({ rp: { id: 'id.example.com' }, attestation: 'none', authenticatorSelection: { userVerification: 'required' } });
    expect(Buffer.from(options.challenge, 'base64url').length).toBeGreaterThanOrEqual(16);
    const outcome = await passkeys.register(ALICE, 'console:a', device.register(options), 'Laptop', SET_UP);
    expect(outcome).toMatchObject({ ok: true, backupCode: expect.any(String) });
    expect(await passkeyOf(ALICE)).toMatchObject({
      type: 'passkey', isDefault: true, setUp: SET_UP,
      passkey: { credentialId: device.credentials[0]!.id, counter: 1, transports: ['internal', 'hybrid'], backupEligible: true, backupState: true, name: 'Laptop' },
    });
  });

  it('a second registration excludes the passkeys the account already has', async () => {
    await register();
    const options = await passkeys.registrationOptions(ALICE, 'alice@example.com', 'console:a');
    expect(options.excludeCredentials?.map((descriptor) => descriptor.id)).toEqual([device.credentials[0]!.id]);
  });

  it.each([
    ['a wrong origin', { origin: 'https://id.example.com.evil.test' }],
    ['a wrong RP ID', { rpId: 'evil.test' }],
    ['no user verification', { userVerified: false }],
    ['another challenge', { challenge: Buffer.alloc(32, 7).toString('base64url') }],
  ])('registration refuses %s and stores nothing', async (_case, overrides) => {
    const options = await passkeys.registrationOptions(ALICE, 'alice@example.com', 'console:a');
    expect(await passkeys.register(ALICE, 'console:a', device.register(options, overrides), 'Laptop', SET_UP)).toEqual({ ok: false, problem: 'PASSKEY_FAILED' });
    expect(await passkeyOf(ALICE)).toBeUndefined();
  });

  it('a registration challenge is single use, and never serves another account or another session', async () => {
    const options = await passkeys.registrationOptions(ALICE, 'alice@example.com', 'console:a');
    const response = device.register(options);
    expect(await passkeys.register(BOB, 'console:a', response, 'Mine', SET_UP)).toEqual({ ok: false, problem: 'SETUP_EXPIRED' });
    expect(await passkeys.register(ALICE, 'console:other-tab', response, 'Mine', SET_UP)).toEqual({ ok: false, problem: 'SETUP_EXPIRED' });
    expect((await passkeys.register(ALICE, 'console:a', response, 'Laptop', SET_UP)).ok).toBe(true);
    expect(await passkeys.register(ALICE, 'console:a', response, 'Again', SET_UP)).toEqual({ ok: false, problem: 'SETUP_EXPIRED' });
    expect((await opened.store.mfa.get(ALICE))?.credentials).toHaveLength(1);
    expect(await opened.store.mfa.get(BOB)).toBeUndefined();
  });

  it('a credential id already registered is refused, within the account and across accounts, and Bob\'s record stays untouched', async () => {
    await register(ALICE);
    const taken = device.credentials[0]!.id;
    const again = await passkeys.registrationOptions(ALICE, 'alice@example.com', 'console:a');
    expect(await passkeys.register(ALICE, 'console:a', device.register(again, { reuseCredentialId: taken }), 'Twice', SET_UP)).toEqual({ ok: false, problem: 'PASSKEY_FAILED' });
    const forBob = await passkeys.registrationOptions(BOB, 'bob@example.com', 'console:b');
    expect(await passkeys.register(BOB, 'console:b', device.register(forBob, { reuseCredentialId: taken }), 'Not mine', SET_UP)).toEqual({ ok: false, problem: 'PASSKEY_FAILED' });
    expect(await opened.store.mfa.get(BOB)).toBeUndefined();
    expect((await opened.store.mfa.get(ALICE))?.credentials).toHaveLength(1);
  });

  it('with a parent domain as RP ID: both ceremonies work for it, and a passkey made for the host alone is refused', async () => {
    const guard = createFactorGuard(opened.store.counters, DEFAULT_MFA_SETTINGS);
    const parent = createPasskeys({ store: opened.store.mfa, guard, transient: opened.store.transient, clock, rp: relyingPartyOf(ISSUER, 'oidc-mfa', 'example.com') });
    const options = await parent.registrationOptions(ALICE, 'alice@example.com', 'console:a');
    expect(options.rp.id).toBe('example.com');
    expect(await parent.register(ALICE, 'console:a', device.register(options), 'Laptop', SET_UP)).toMatchObject({ ok: true });
    const request = await parent.authenticationOptions(ALICE, 'uid-1');
    expect(request.rpId).toBe('example.com');
    expect(await parent.authenticate(ALICE, 'uid-1', device.authenticate(request))).toMatchObject({ backupEligible: true });
    // The same device answering as if for id.example.com (the RP ID hash inside authenticatorData): refused.
    const again = await parent.authenticationOptions(ALICE, 'uid-2');
    expect(await parent.authenticate(ALICE, 'uid-2', device.authenticate(again, { rpId: 'id.example.com' }))).toBeUndefined();
  });

  it('authentication: an assertion with UV for this challenge passes once and moves the counter', async () => {
    await register();
    const options = await passkeys.authenticationOptions(ALICE, 'uid-1');
    expect(options).toMatchObject({ rpId: 'id.example.com', userVerification: 'required', allowCredentials: [{ id: device.credentials[0]!.id }] });
    const assertion = device.authenticate(options);
    const use = await passkeys.authenticate(ALICE, 'uid-1', assertion);
    expect(use).toEqual({ methodId: (await passkeyOf(ALICE))!.id, backupEligible: true, backupState: true, hardwareBound: false });
    expect(await passkeyOf(ALICE)).toMatchObject({ lastUsedAt: clock(), passkey: { counter: 2 } });
    // Replayed as is: its challenge is spent.
    expect(await passkeys.authenticate(ALICE, 'uid-1', assertion)).toBeUndefined();
  });

  it('a reload of the page keeps the challenge still waiting (the first tab still answers), and a spent one is never offered again', async () => {
    await register();
    const first = await passkeys.authenticationOptions(ALICE, 'uid-1');
    const reload = await passkeys.authenticationOptions(ALICE, 'uid-1');
    expect(reload.challenge).toBe(first.challenge);
    expect(await passkeys.authenticate(ALICE, 'uid-1', device.authenticate(first))).toBeDefined();
    expect((await passkeys.authenticationOptions(ALICE, 'uid-1')).challenge).not.toBe(first.challenge);
  });

  it('a replayed assertion against a fresh challenge fails (signature over the old challenge)', async () => {
    await register();
    const assertion = device.authenticate(await passkeys.authenticationOptions(ALICE, 'uid-1'));
    expect(await passkeys.authenticate(ALICE, 'uid-1', assertion)).toBeDefined();
    await passkeys.authenticationOptions(ALICE, 'uid-1');
    expect(await passkeys.authenticate(ALICE, 'uid-1', assertion)).toBeUndefined();
  });

  it.each([
    ['a wrong origin', { origin: 'https://phish.example.net' }],
    ['a wrong RP ID', { rpId: 'example.com' }],
    ['no user verification', { userVerified: false }],
    ['a counter going back', { counter: 0 }],
    ['the same counter again', { counter: 1 }],
  ])('authentication refuses %s', async (_case, overrides) => {
    await register();
    const before = await passkeyOf(ALICE);
    const options = await passkeys.authenticationOptions(ALICE, 'uid-1');
    expect(await passkeys.authenticate(ALICE, 'uid-1', device.authenticate(options, overrides))).toBeUndefined();
    expect(await passkeyOf(ALICE)).toEqual(before);
  });

  it("two accounts, two tabs: a challenge of A's sign-in is not found in B's, nor in A's other interaction", async () => {
    await register(ALICE);
    const optionsForAlice = await passkeys.authenticationOptions(ALICE, 'uid-a');
    const assertion = device.authenticate(optionsForAlice);
    expect(await passkeys.authenticate(BOB, 'uid-a', assertion)).toBeUndefined();
    expect(await passkeys.authenticate(ALICE, 'uid-other-tab', assertion)).toBeUndefined();
    // A's own challenge is still there (nothing above spent it): only the right scope and account take it.
    expect(await passkeys.authenticate(ALICE, 'uid-a', assertion)).toBeDefined();
  });

  it("a credential of account A presented in B's sign-in is refused, even with B's own challenge", async () => {
    const bobsDevice = createSoftAuthenticator({ origin: ORIGIN, counterStart: 1 });
    await register(ALICE);
    await register(BOB, 'console:b', bobsDevice);
    const optionsForBob = await passkeys.authenticationOptions(BOB, 'uid-b');
    const alicesAssertion = device.authenticate(optionsForBob, { credentialId: device.credentials[0]!.id });
    expect(await passkeys.authenticate(BOB, 'uid-b', alicesAssertion)).toBeUndefined();
    expect((await passkeyOf(ALICE))?.passkey?.counter).toBe(1);
  });

  it('an authenticator that keeps no counter (always 0) signs in each time', async () => {
    const counterless = createSoftAuthenticator({ origin: ORIGIN, counterStart: 0, counterStep: 0 });
    await register(ALICE, 'console:a', counterless);
    for (const uid of ['uid-1', 'uid-2']) {
      expect(await passkeys.authenticate(ALICE, uid, counterless.authenticate(await passkeys.authenticationOptions(ALICE, uid)))).toBeDefined();
    }
  });

  it('garbage where an assertion should be fails like a wrong one, never throws', async () => {
    await register();
    const options = await passkeys.authenticationOptions(ALICE, 'uid-1');
    const assertion = device.authenticate(options);
    const broken = { ...assertion, response: { ...assertion.response, signature: 'AAAA', authenticatorData: '!!' } };
    expect(await passkeys.authenticate(ALICE, 'uid-1', broken)).toBeUndefined();
  });
});
