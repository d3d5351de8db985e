import { recordingLogger } from '../../helpers/abuse.ts';
import { ABUSE_CLIENTS, abuseConfig, plainAccount, signedInConsole, type AbuseWorld } from '../../helpers/abuse-accounts.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';
import { useIdpWorld } from '../../helpers/idp-world.ts';
import { addPasskeyOnSecurityPage, backupCodeShown } from '../../helpers/passkey-flow.ts';
import { createSoftAuthenticator } from '../../helpers/soft-authenticator.ts';
import { RP_CALLBACK } from '../../helpers/start-idp.ts';
import type { StoreKind } from '../../helpers/test-stores.ts';

/**
 * What the passkey tests over HTTP (the *.test.ts files beside this one) stand on: the world on a
 * store with the `phr-app` client (require_phishing_resistant) beside the usual ones, a software
 * authenticator for the issuer's origin, and an account whose only method is a passkey.
 */

const PHR_CLIENT = { client_id: 'phr-app', client_name: 'Phishing-Resistant App', token_endpoint_auth_method: 'none' as const, redirect_uris: [RP_CALLBACK], first_party: true, require_phishing_resistant: true };

/** Call inside a describe block: the world on this store, its clock, its log (no failures allowed after each test), and the helpers. */
export function usePasskeyWorld(kind: StoreKind) {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, config: () => abuseConfig(), log, clients: [...ABUSE_CLIENTS, PHR_CLIENT] });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const deviceFor = (world: AbuseWorld) => createSoftAuthenticator({ origin: world.idp.issuer, backupEligible: true, backupState: true, counterStart: 1 });

  /** A new account whose only method is a passkey, added on the Security page. */
  async function passkeyAccount(label = 'passkey') {
    const account = await plainAccount(w, label);
    const device = deviceFor(w);
    const done = await addPasskeyOnSecurityPage(await signedInConsole(w, account), w.idp.issuer, device);
    expect(done.status).toBe(200);
    return { ...account, device, backupCode: backupCodeShown(done) };
  }

  const passkeysOf = async (accountId: string) => ((await w.store.mfa.get(accountId))?.credentials ?? []).filter((method) => method.type === 'passkey');

  return { w, clock, deviceFor, passkeyAccount, passkeysOf };
}
