import { DEFAULT_MFA_SETTINGS } from '../../src/config/settings-schema.ts';
import { trustAnchorsOf } from '../../src/factors/passkey/attestation-trust.ts';
import { createPasskeys, type Passkeys } from '../../src/factors/passkey/passkeys.ts';
import { relyingPartyOf } from '../../src/factors/passkey/relying-party.ts';
import { createFactorGuard } from '../../src/guard/factor-guard.ts';
import { createAttestationVendor } from '../helpers/attestation-ca.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { createSoftAuthenticator, type SoftAuthenticatorOptions } from '../helpers/soft-authenticator.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/test-stores.ts';

/**
 * `phrh` rests on one fact recorded at registration: the key is bound to one device and its
 * attestation chain leads to a root the operator trusts (WebAuthn L3 §8.2 packed attestation,
 * §13.4.3). Real X.509 from openssl, real attestation signatures from the software authenticator,
 * on both stores; every way a key could pass itself off as trusted hardware is refused.
 */
const ISSUER = 'https://id.example.com';
const ALICE = 'sub-alice';
const SET_UP = { how: 'security-page', device: 'Chrome on Linux' } as const;
const DAY_MS = 86_400_000;
const trusted = createAttestationVendor('Trusted Keys');
const unknown = createAttestationVendor('Unknown Keys');

describe.each(STORE_KINDS)('passkey attestation on %s', (kind) => {
  let opened: TestStore;
  const clock = createFakeClock(Date.now());

  beforeEach(async () => {
    clock.set(Date.now());
    opened = await openTestStore(kind, clock);
  });
  afterEach(() => opened.dispose());

  function passkeysWith(roots: string[]): Passkeys {
    const guard = createFactorGuard(opened.store.counters, DEFAULT_MFA_SETTINGS);
    return createPasskeys({ store: opened.store.mfa, guard, transient: opened.store.transient, clock, rp: relyingPartyOf(ISSUER, 'oidc-mfa'), attestationRoots: trustAnchorsOf(roots) });
  }

  async function registerWith(passkeys: Passkeys, device: Partial<SoftAuthenticatorOptions>) {
    const authenticator = createSoftAuthenticator({ origin: ISSUER, counterStart: 1, ...device });
    const options = await passkeys.registrationOptions(ALICE, 'alice@example.com', 'console:a');
    const outcome = await passkeys.register(ALICE, 'console:a', authenticator.register(options), 'Key', SET_UP);
    expect(outcome.ok).toBe(true);
    const stored = (await opened.store.mfa.get(ALICE))!.credentials.find((method) => method.passkey?.credentialId === authenticator.credentials[0]!.id)!;
    return { options, authenticator, stored };
  }

  it('with roots: registration asks for direct attestation; a device-bound key attested to a trusted root is hardware-bound, and says so at each use', async () => {
    const passkeys = passkeysWith([trusted.rootPem]);
    const { options, authenticator, stored } = await registerWith(passkeys, { backupEligible: false, attestation: trusted });
    expect(options.attestation).toBe('direct');
    expect(stored.passkey).toMatchObject({ backupEligible: false, hardwareBound: true });
    const use = await passkeys.authenticate(ALICE, 'uid-1', authenticator.authenticate(await passkeys.authenticationOptions(ALICE, 'uid-1')));
    expect(use).toMatchObject({ hardwareBound: true });
  });

  it.each([
    ['a synced key (BE set), even attested by a trusted root', { backupEligible: true, backupState: true, attestation: trusted }],
    ['a key attested by a root the operator did not give', { backupEligible: false, attestation: unknown }],
    ['a key with attestation none (the browser or the key withheld it)', { backupEligible: false }],
  ])('%s registers, but not as hardware-bound', async (_case, device) => {
    const { stored } = await registerWith(passkeysWith([trusted.rootPem]), device);
    expect(stored.passkey?.hardwareBound).toBe(false);
  });

  it('a chain whose certificate has expired by the clock is not trusted', async () => {
    // The batch certificate is valid for 365 days from now (attestation-ca.ts).
    clock.advance(400 * DAY_MS);
    const { stored } = await registerWith(passkeysWith([trusted.rootPem]), { backupEligible: false, attestation: trusted });
    expect(stored.passkey?.hardwareBound).toBe(false);
  });

  it('without roots: attestation none is asked for, and no key is ever hardware-bound', async () => {
    const passkeys = passkeysWith([]);
    const { options, stored } = await registerWith(passkeys, { backupEligible: false, attestation: trusted });
    expect(options.attestation).toBe('none');
    expect(stored.passkey?.hardwareBound).toBe(false);
  });

  it('when phrh is demanded only the hardware-bound passkeys are offered; the other is no answer for it', async () => {
    const passkeys = passkeysWith([trusted.rootPem]);
    const hardware = await registerWith(passkeys, { backupEligible: false, attestation: trusted });
    const synced = await registerWith(passkeys, { backupEligible: true, backupState: true });
    const options = await passkeys.authenticationOptions(ALICE, 'uid-2', true);
    expect(options.allowCredentials?.map((descriptor) => descriptor.id)).toEqual([hardware.stored.passkey!.credentialId]);
    expect((await passkeys.authenticationOptions(ALICE, 'uid-3')).allowCredentials).toHaveLength(2);
    // The synced key answers anyway: it signs in, but as what it is (the sign-in step then refuses it for phrh).
    expect(await passkeys.authenticate(ALICE, 'uid-2', synced.authenticator.authenticate(options, { credentialId: synced.authenticator.credentials[0]!.id }))).toMatchObject({ hardwareBound: false });
  });
});
