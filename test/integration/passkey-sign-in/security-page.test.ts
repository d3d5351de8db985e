import { expectRefused } from '../../helpers/abuse.ts';
import { plainAccount, signedInConsole, totpAccount } from '../../helpers/abuse-accounts.ts';
import { hiddenField } from '../../helpers/http-session.ts';
import { addPasskeyOnSecurityPage } from '../../helpers/passkey-flow.ts';
import { STORE_KINDS } from '../../helpers/test-stores.ts';
import { usePasskeyWorld } from './passkey-kit.ts';

/**
 * Passkeys on the Security page, over HTTP with real WebAuthn bytes: registration (what is stored,
 * the new backup code, and a wrong origin or no user verification storing nothing), the listing,
 * Rename and Remove; and the scripts the passkey pages load, served from our origin.
 * The shared set-up and helpers are in ./passkey-kit.ts.
 */
describe.each(STORE_KINDS)('passkeys on %s: on the Security page', (kind) => {
  const { w, deviceFor, passkeyAccount, passkeysOf } = usePasskeyWorld(kind);

  test('registration on the Security page stores the key (counter, transports, BE/BS, name) and shows a new backup code', async () => {
    const account = await passkeyAccount();
    const [stored] = await passkeysOf(account.id);
    expect(stored).toMatchObject({
      isDefault: true, setUp: { how: 'security-page' },
      passkey: { credentialId: account.device.credentials[0]!.id, counter: 1, transports: ['internal', 'hybrid'], backupEligible: true, backupState: true, name: 'Laptop' },
    });
    expect(account.backupCode).toMatch(/\S{8,}/);
  });

  test('Security page: the passkey listed with its name and dates; Rename; Remove', async () => {
    const account = await totpAccount(w, 'manage');
    const console = await signedInConsole(w, account);
    const device = deviceFor(w);
    expect((await addPasskeyOnSecurityPage(console, w.idp.issuer, device, 'Work laptop')).status).toBe(200);
    const security = await console.get(`${w.idp.issuer}/account/security`);
    expect(security.text).toContain('Passkey “Work laptop”');
    const [stored] = await passkeysOf(account.id);
    const renamePage = await console.get(`${w.idp.issuer}/account/security/passkeys/${stored!.id}/rename`);
    expect(renamePage.status).toBe(200);
    const renamed = await console.postForm(`${w.idp.issuer}/account/security/passkeys/rename`, { csrf: hiddenField(renamePage.text, 'csrf'), method: stored!.id, name: 'Old laptop' });
    expect(renamed.status).toBe(303);
    expect((await passkeysOf(account.id))[0]!.passkey!.name).toBe('Old laptop');
    const bad = await console.submitForm(`${w.idp.issuer}/account/security/passkeys/rename`, { csrf: hiddenField(renamePage.text, 'csrf'), method: stored!.id, name: '   ' });
    expectRefused(bad, 'PASSKEY_NAME_INVALID');
    // Refresh there: the rename form again, the error said once.
    expect((await console.get(bad.url)).status).toBe(200);
    const removed = await console.postForm(`${w.idp.issuer}/account/security/methods/remove`, { csrf: hiddenField(security.text, 'csrf'), method: stored!.id });
    expect(removed.status).toBe(303);
    expect(await passkeysOf(account.id)).toEqual([]);
  });

  test('registration with a wrong origin or without UV stores nothing', async () => {
    const account = await plainAccount(w);
    const console = await signedInConsole(w, account);
    for (const overrides of [{ origin: 'https://phish.example.net' }, { userVerified: false }]) {
      const answer = await addPasskeyOnSecurityPage(console, w.idp.issuer, deviceFor(w), 'Laptop', overrides);
      expectRefused(answer, 'PASSKEY_FAILED');
    }
    expect(await passkeysOf(account.id)).toEqual([]);
  });

  test('the browser bundle and our passkey script are served from our origin with the strict CSP', async () => {
    for (const file of ['simplewebauthn-browser.js', 'passkey.js']) {
      const answer = await fetch(`${w.idp.issuer}/static/${file}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('text/javascript');
      expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });
});
