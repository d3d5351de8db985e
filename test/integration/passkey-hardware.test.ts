import { ACR, AMR } from '../../src/oidc/acr.ts';
import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import { ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, plainAccount, signedInConsole } from '../helpers/abuse-accounts.ts';
import { createAttestationVendor } from '../helpers/attestation-ca.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { testConfig } from '../helpers/test-config.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, redeemCode, submitPassword } from '../helpers/oidc-flow.ts';
import { addPasskeyOnSecurityPage, answerPasskey, isPasskeyChallenge, passkeyOptionsOf } from '../helpers/passkey-flow.ts';
import { createSoftAuthenticator, type SoftAuthenticator, type SoftAuthenticatorOptions } from '../helpers/soft-authenticator.ts';
import { openSecurityPage } from '../helpers/mfa-flow.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

/**
 * `phrh` over HTTP (EAP ACR Values 1.0, RFC 8176 `hwk`): with the operator's attestation root
 * configured, a security key attested to it makes a sign-in `phrh`; a synced passkey stays `phr`,
 * is not offered when `phrh` is demanded and cannot finish such a sign-in; an account without such
 * a key is told what it needs. Both stores; real X.509 and attestation bytes.
 */
const vendor = createAttestationVendor('Issued Keys');

describe.each(STORE_KINDS)('hardware-bound passkeys (phrh) on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, {
    clock, log, clients: ABUSE_CLIENTS,
    config: () => abuseConfig({ mfa: { ...testConfig().mfa, reauthWithinSeconds: 24 * 3600, passkeyAttestationRoots: [vendor.rootPem] } }),
  });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const securityKey = (): Partial<SoftAuthenticatorOptions> => ({ backupEligible: false, attestation: vendor });
  const syncedPasskey = (): Partial<SoftAuthenticatorOptions> => ({ backupEligible: true, backupState: true });

  /** Each passkey added on the Security page; after the first, the page is signed in to again with it (MFA is on then). */
  async function accountWith(...devices: Partial<SoftAuthenticatorOptions>[]) {
    const account = await plainAccount(w, 'hw');
    let console = await signedInConsole(w, account);
    const authenticators: SoftAuthenticator[] = [];
    for (const [index, device] of devices.entries()) {
      if (index > 0) console = await consoleSignedInWith(account.email, authenticators[0]!);
      const authenticator = createSoftAuthenticator({ origin: w.idp.issuer, counterStart: 1, ...device });
      expect((await addPasskeyOnSecurityPage(console, w.idp.issuer, authenticator, `Key ${index + 1}`)).status).toBe(200);
      authenticators.push(authenticator);
    }
    return { ...account, authenticators };
  }

  async function consoleSignedInWith(email: string, authenticator: SoftAuthenticator): Promise<HttpSession> {
    const console = new HttpSession();
    const challenge = await openSecurityPage(console, w.idp.issuer, { email, password: ABUSE_PASSWORD });
    const page = await answerPasskey(console, w.idp.issuer, challenge, authenticator);
    expect(page.url).toMatch(/\/account\/security$/);
    return console;
  }

  async function signIn(email: string, extra: Record<string, string> = {}) {
    const session = new HttpSession();
    const client = await discoverClient(w.idp.issuer, 'first-party-app');
    const authorization = await buildAuthorization(client, extra);
    const page = await submitPassword(session, w.idp.issuer, await openAuthorization(session, w.idp.issuer, authorization), email, ABUSE_PASSWORD);
    const claimsOf = async (callback: HttpResponse) => {
      expect(isCallback(callback)).toBe(true);
      return (await redeemCode(client, callback, authorization)).claims()!;
    };
    return { session, page, claimsOf };
  }

  test('discovery lists phrh beside phr', async () => {
    const metadata = (await (await fetch(`${w.idp.issuer}/.well-known/openid-configuration`)).json()) as { acr_values_supported: string[] };
    expect(metadata.acr_values_supported).toEqual(expect.arrayContaining(['phr', 'phrh']));
  });

  test.each([
    ['a security key attested to the root: acr phrh, amr pwd hwk user mfa', securityKey, ACR.phishingResistantHardware, AMR.passkeyHardware],
    ['a synced passkey: phr and pop, as without roots', syncedPasskey, ACR.phishingResistant, AMR.passkey],
  ] as const)('%s', async (_case, device, acr, amr) => {
    const account = await accountWith(device());
    const flow = await signIn(account.email);
    const claims = await flow.claimsOf(await answerPasskey(flow.session, w.idp.issuer, flow.page, account.authenticators[0]!));
    expect(claims.acr).toBe(acr);
    expect(claims.amr).toEqual([...amr]);
  });

  test('acr_values=phrh with only a synced passkey: HARDWARE_PASSKEY_REQUIRED after the password, nothing asked', async () => {
    const account = await accountWith(syncedPasskey());
    expectRefused((await signIn(account.email, { acr_values: 'phrh' })).page, 'HARDWARE_PASSKEY_REQUIRED');
  });

  test('acr_values=phrh with both: only the security key is offered; the synced one answering anyway cannot finish; the key does', async () => {
    const account = await accountWith(syncedPasskey(), securityKey());
    const [synced, key] = account.authenticators;
    const flow = await signIn(account.email, { acr_values: 'phrh' });
    expect(isPasskeyChallenge(flow.page)).toBe(true);
    expect(passkeyOptionsOf(flow.page.text).allowCredentials?.map((descriptor) => descriptor.id)).toEqual([key!.credentials[0]!.id]);
    const wrongKey = await answerPasskey(flow.session, w.idp.issuer, flow.page, synced!, { credentialId: synced!.credentials[0]!.id });
    expectRefused(wrongKey, 'HARDWARE_PASSKEY_REQUIRED');
    // A new sign-in (that interaction's challenge is spent): the security key finishes it.
    const again = await signIn(account.email, { acr_values: 'phrh' });
    const claims = await again.claimsOf(await answerPasskey(again.session, w.idp.issuer, again.page, key!));
    expect(claims.acr).toBe(ACR.phishingResistantHardware);
  });

  test('a session made with the synced passkey (phr) is stepped up to the security key for acr_values=phrh', async () => {
    const account = await accountWith(syncedPasskey(), securityKey());
    const [synced, key] = account.authenticators;
    const first = await signIn(account.email, { acr_values: 'phr' });
    expect((await first.claimsOf(await answerPasskey(first.session, w.idp.issuer, first.page, synced!, { credentialId: synced!.credentials[0]!.id }))).acr).toBe('phr');
    const client = await discoverClient(w.idp.issuer, 'first-party-app');
    const authorization = await buildAuthorization(client, { acr_values: 'phrh' });
    const stepUp = await openAuthorization(first.session, w.idp.issuer, authorization);
    expect(isPasskeyChallenge(stepUp)).toBe(true);
    expect(uidOf(stepUp.url)).toBeTruthy();
    const callback = await answerPasskey(first.session, w.idp.issuer, stepUp, key!);
    expect(isCallback(callback)).toBe(true);
    expect((await redeemCode(client, callback, authorization)).claims()!.acr).toBe('phrh');
  });
});
