import { uidOf } from '../../helpers/abuse.ts';
import { afterPassword, atLoginPage, plainAccount, signedInConsole } from '../../helpers/abuse-accounts.ts';
import { formAction, hiddenField, HttpSession } from '../../helpers/http-session.ts';
import { passkeyOptionsOf } from '../../helpers/passkey-flow.ts';
import { createSoftAuthenticator } from '../../helpers/soft-authenticator.ts';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { RouteKit } from './route-kit.ts';
import type { Route } from './variants.ts';

/** The passkey routes (sign-in with a passkey, a passkey at the second step, the Security page's passkey forms), each armed to act. */
export function passkeyRoutes(kit: RouteKit): Route[] {
  const { issuer, interaction, guard, interactionSnapshot, pageAfter, expectCallback, passkeyAccount, openPasskeyConsole } = kit;
  return [
    {
      route: '/interaction/:uid/passkey',
      async arm(w) {
        const account = await passkeyAccount(w);
        const { session, page } = await afterPassword(w, account.email);
        const uid = uidOf(page.url);
        const assertion = account.device.authenticate(passkeyOptionsOf(page.text));
        return {
          session, uid, url: formAction(page.text, '/passkey', issuer()),
          fields: { csrf: hiddenField(page.text, 'csrf'), response: JSON.stringify(assertion) },
          snapshot: interactionSnapshot(session, uid, async () => ({ passkeys: await account.passkeys(), failures: await guard().failures(account.id, 'passkey') })),
          expectDone: (response) => expectCallback(session, response),
        };
      },
    },
    {
      route: '/interaction/:uid/passkey-sign-in/options',
      async arm(w) {
        const { session, page } = await atLoginPage(w);
        const uid = uidOf(page.url);
        return {
          session, uid, url: `${issuer()}/interaction/${uid}/passkey-sign-in/options`,
          fields: { csrf: hiddenField(page.text, 'csrf') },
          snapshot: interactionSnapshot(session, uid),
          async expectDone(response) {
            expect(response.status).toBe(200);
            expect(JSON.parse(response.text)).toMatchObject({ challenge: expect.any(String), userVerification: 'required' });
          },
        };
      },
    },
    {
      route: '/interaction/:uid/passkey-sign-in',
      async arm(w) {
        const account = await passkeyAccount(w);
        const { session, page } = await atLoginPage(w);
        const uid = uidOf(page.url);
        const options = await session.postForm(`${issuer()}/interaction/${uid}/passkey-sign-in/options`, { csrf: hiddenField(page.text, 'csrf') });
        const assertion = account.device.authenticate(JSON.parse(options.text) as PublicKeyCredentialRequestOptionsJSON);
        return {
          session, uid, url: `${issuer()}/interaction/${uid}/passkey-sign-in`,
          fields: { csrf: hiddenField(page.text, 'csrf'), response: JSON.stringify(assertion) },
          snapshot: interactionSnapshot(session, uid, async () => ({ passkeys: await account.passkeys() })),
          expectDone: (response) => expectCallback(session, response),
        };
      },
    },
    {
      route: '/account/security/setup/passkey',
      async arm(w) {
        const account = await plainAccount(w);
        const session = await signedInConsole(w, account);
        const page = await session.get(`${issuer()}/account/security/setup/passkey`);
        const device = createSoftAuthenticator({ origin: w.idp.issuer });
        const response = device.register(passkeyOptionsOf<PublicKeyCredentialCreationOptionsJSON>(page.text));
        return {
          session, url: `${issuer()}/account/security/setup/passkey`,
          fields: { csrf: hiddenField(page.text, 'csrf'), name: 'Laptop', response: JSON.stringify(response) },
          snapshot: async () => ({ mfa: (await w.store.mfa.get(account.id)) ?? null }),
          async expectDone(done) {
            const page = await pageAfter(session, done);
            expect(page.text).toContain('id="backup-code"');
            expect((await w.store.mfa.get(account.id))?.credentials.map((method) => method.type)).toEqual(['passkey']);
          },
        };
      },
    },
    {
      route: '/account/security/passkeys/rename',
      async arm(w) {
        const account = await passkeyAccount(w);
        const [passkey] = await account.passkeys();
        const session = new HttpSession();
        const page = await openPasskeyConsole(w, session, account);
        return {
          session, url: `${issuer()}/account/security/passkeys/rename`,
          fields: { csrf: hiddenField(page.text, 'csrf'), method: passkey!.id, name: 'Renamed' },
          snapshot: async () => ({ passkeys: await account.passkeys() }),
          async expectDone(done) {
            expect(done.status).toBe(303);
            expect((await account.passkeys())[0]!.passkey!.name).toBe('Renamed');
          },
        };
      },
    },
  ];
}
