import { plainAccount, totpAccount, trustABrowser, twoMethodAccount } from '../../helpers/abuse-accounts.ts';
import { formAction, hiddenField } from '../../helpers/http-session.ts';
import { codeFor, textOf } from '../../helpers/mfa-flow.ts';
import { latestCode, readOutbox } from '../../helpers/sms-outbox.ts';
import { appOf, phoneOf } from '../../helpers/mfa-records.ts';
import { signInToApp } from '../../helpers/consent-flow.ts';
import type { RouteKit } from './route-kit.ts';
import type { Route } from './variants.ts';

type ConsoleForm = Awaited<ReturnType<RouteKit['consoleForm']>>;

/** A revocation form of the Devices page, armed: what it changes is the account's trusted devices, all gone once it acts. */
function devicesRevoked(w: Parameters<Route['arm']>[0], accountId: string, form: ConsoleForm) {
  return {
    ...form,
    snapshot: async () => ({ devices: await w.store.trustedDevices.listForAccount(accountId) }),
    async expectDone(response: { status: number }) {
      expect(response.status).toBe(303);
      expect(await w.store.trustedDevices.listForAccount(accountId)).toEqual([]);
    },
  };
}

/** Every POST route of the Security page (/account/…), each armed to act. */
export function consoleRoutes(kit: RouteKit): Route[] {
  const { issuer, outboxSize, pageAfter, consoleForm, clock } = kit;
  return [
    {
      route: '/account/security/setup',
      async arm(w) {
        const account = await plainAccount(w);
        const form = await consoleForm(w, account, '/account/security/setup', { method: 'totp' }, '/account/security/setup');
        return {
          ...form,
          // Nothing pending: the app setup page sends the browser back to the choice.
          snapshot: async () => ({ mfa: (await w.store.mfa.get(account.id)) ?? null, appSetup: (await form.session.get(`${issuer()}/account/security/setup/app`)).location ?? 'shown' }),
          async expectDone(response) {
            expect(response.location).toBe(`${issuer()}/account/security/setup/app`);
          },
        };
      },
    },
    {
      route: '/account/security/setup/app',
      async arm(w) {
        const account = await plainAccount(w);
        const form = await consoleForm(w, account, '/account/security/setup', { method: 'totp' }, '/account/security/setup');
        const qr = await form.session.follow(await form.session.postForm(form.url, form.fields), issuer());
        return {
          session: form.session, url: `${issuer()}/account/security/setup/app`,
          fields: { csrf: hiddenField(qr.text, 'csrf'), code: codeFor(textOf(qr.text, 'totp-key'), w.clock) },
          snapshot: async () => ({ mfa: (await w.store.mfa.get(account.id)) ?? null }),
          async expectDone(response) {
            const page = await pageAfter(form.session, response);
            expect(page.status).toBe(200);
            expect(appOf(await w.store.mfa.get(account.id))).toBeTruthy();
          },
        };
      },
    },
    {
      route: '/account/security/setup/sms',
      async arm(w) {
        const account = await plainAccount(w);
        const form = await consoleForm(w, account, '/account/security/setup/sms', { phone: '+447400999001' }, '/account/security/setup/sms');
        return {
          ...form,
          snapshot: async () => ({ mfa: (await w.store.mfa.get(account.id)) ?? null, texts: outboxSize() }),
          async expectDone(response) {
            const page = await pageAfter(form.session, response);
            expect(page.status).toBe(200);
            expect(page.text).toContain('/account/security/setup/sms/verify');
          },
        };
      },
    },
    {
      route: '/account/security/setup/sms/resend',
      async arm(w) {
        const account = await plainAccount(w);
        const form = await consoleForm(w, account, '/account/security/setup/sms', { phone: '+447400999002' }, '/account/security/setup/sms');
        const codePage = await form.session.submitForm(form.url, form.fields);
        w.clock.advance(31_000);
        return {
          session: form.session, url: `${issuer()}/account/security/setup/sms/resend`,
          fields: { csrf: hiddenField(codePage.text, 'csrf') },
          snapshot: async () => ({ texts: outboxSize() }),
          async expectDone(response) {
            const page = await pageAfter(form.session, response);
            expect(page.status).toBe(200);
            expect(readOutbox(w.idp.config.sms.outboxFile!).filter((m) => m.to === '+447400999002').length).toBeGreaterThanOrEqual(2);
          },
        };
      },
    },
    {
      route: '/account/security/setup/sms/verify',
      async arm(w) {
        const account = await plainAccount(w);
        const phone = '+447400999003';
        const form = await consoleForm(w, account, '/account/security/setup/sms', { phone }, '/account/security/setup/sms');
        const codePage = await form.session.submitForm(form.url, form.fields);
        return {
          session: form.session, url: `${issuer()}/account/security/setup/sms/verify`,
          fields: { csrf: hiddenField(codePage.text, 'csrf'), code: latestCode(w.idp.config.sms.outboxFile!, phone) },
          snapshot: async () => ({ mfa: (await w.store.mfa.get(account.id)) ?? null }),
          async expectDone(response) {
            const page = await pageAfter(form.session, response);
            expect(page.status).toBe(200);
            expect(phoneOf(await w.store.mfa.get(account.id))?.phone).toBe(phone);
          },
        };
      },
    },
    {
      route: '/account/security/backup-code',
      async arm(w) {
        const account = await totpAccount(w);
        const form = await consoleForm(w, account, '/account/security/backup-code', {}, '/account/security/backup-code');
        const before = await w.store.mfa.get(account.id);
        return {
          ...form,
          snapshot: async () => ({ mfa: await w.store.mfa.get(account.id) }),
          async expectDone(response) {
            const page = await pageAfter(form.session, response);
            expect(page.status).toBe(200);
            expect((await w.store.mfa.get(account.id))?.backupCodeHash).not.toBe(before?.backupCodeHash);
          },
        };
      },
    },
    {
      route: '/account/security/backup-code/saved',
      async arm(w) {
        const account = await totpAccount(w);
        const generate = await consoleForm(w, account, '/account/security/backup-code', {}, '/account/security/backup-code');
        const shown = await generate.session.submitForm(generate.url, generate.fields);
        expect(shown.text).toContain('id="backup-code"');
        const newCodePage = () => generate.session.get(`${issuer()}/account/security/backup-code/new`);
        return {
          session: generate.session, url: formAction(shown.text, '/backup-code/saved', issuer()),
          fields: { csrf: hiddenField(shown.text, 'csrf') },
          // The new code is still shown until the genuine "I've saved it".
          snapshot: async () => textOf((await newCodePage()).text, 'backup-code'),
          async expectDone(response) {
            expect(response.location).toBe(`${issuer()}/account/security`);
            expect((await newCodePage()).location).toBe(`${issuer()}/account/security`);
          },
        };
      },
    },
    {
      route: '/account/security/methods/default',
      async arm(w) {
        const account = await twoMethodAccount(w);
        const phoneId = phoneOf(await w.store.mfa.get(account.id))!.id;
        const form = await consoleForm(w, account, '/account/security/methods/default', { method: phoneId });
        return {
          ...form,
          snapshot: async () => ({ mfa: await w.store.mfa.get(account.id) }),
          async expectDone(response) {
            expect(response.status).toBe(303);
            expect(phoneOf(await w.store.mfa.get(account.id))?.isDefault).toBe(true);
          },
        };
      },
    },
    {
      route: '/account/security/methods/remove',
      async arm(w) {
        const account = await twoMethodAccount(w);
        const phoneId = phoneOf(await w.store.mfa.get(account.id))!.id;
        const form = await consoleForm(w, account, '/account/security/methods/remove', { method: phoneId });
        return {
          ...form,
          snapshot: async () => ({ mfa: await w.store.mfa.get(account.id) }),
          async expectDone(response) {
            expect(response.status).toBe(303);
            expect(phoneOf(await w.store.mfa.get(account.id))).toBeNull();
            expect(appOf(await w.store.mfa.get(account.id))).toBeTruthy();
          },
        };
      },
    },
    {
      route: '/account/security/devices/revoke',
      async arm(w) {
        const account = await totpAccount(w);
        await trustABrowser(w, account);
        const [device] = await w.store.trustedDevices.listForAccount(account.id);
        return devicesRevoked(w, account.id, await consoleForm(w, account, '/account/security/devices/revoke', { id: device!.id }, '/account/security/devices'));
      },
    },
    {
      route: '/account/security/devices/revoke-all',
      async arm(w) {
        const account = await totpAccount(w);
        await trustABrowser(w, account);
        await trustABrowser(w, account);
        return devicesRevoked(w, account.id, await consoleForm(w, account, '/account/security/devices/revoke-all', {}, '/account/security/devices'));
      },
    },
    {
      route: '/account/security/turn-off',
      async arm(w) {
        const account = await totpAccount(w);
        const form = await consoleForm(w, account, '/account/security/turn-off', {}, '/account/security/turn-off');
        return {
          ...form,
          // The MFA record intact: secret, last step, backup code, epoch.
          snapshot: async () => ({ mfa: await w.store.mfa.get(account.id), signedIn: (await form.session.get(`${issuer()}/account/security`)).status }),
          async expectDone(response) {
            const page = await pageAfter(form.session, response);
            expect(page.status).toBe(200);
            expect(appOf(await w.store.mfa.get(account.id))).toBeNull();
          },
        };
      },
    },
    {
      route: '/account/security/sign-out-everywhere',
      async arm(w) {
        const account = await totpAccount(w);
        const form = await consoleForm(w, account, '/account/security/sign-out-everywhere', {});
        return {
          ...form,
          snapshot: async () => ({ mfa: await w.store.mfa.get(account.id), signedIn: (await form.session.get(`${issuer()}/account/security`)).status }),
          async expectDone(response) {
            const page = await pageAfter(form.session, response);
            expect(page.status).toBe(200);
            expect((await form.session.get(`${issuer()}/account/security`)).location).toContain('/account/sign-in');
          },
        };
      },
    },
    {
      route: '/account/security/apps/remove',
      async arm(w) {
        const account = await plainAccount(w);
        await signInToApp(w, account);
        // The app's grants (the Security page's own sign-in makes a first-party grant, not listed there).
        const grantIds = async () => (await w.store.grants.listGrants(account.id)).filter((grant) => grant.clientId === 'third-party-app').map((grant) => grant.id);
        const [grantId] = await grantIds();
        const form = await consoleForm(w, account, '/account/security/apps/remove', { grant: grantId! });
        return {
          ...form,
          snapshot: async () => ({ grants: await grantIds() }),
          async expectDone(response) {
            expect(response.status).toBe(303);
            expect(await grantIds()).toEqual([]);
          },
        };
      },
    },
  ];
}
