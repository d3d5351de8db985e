import { uidOf } from '../../helpers/abuse.ts';
import { ABUSE_PASSWORD, afterPassword, atLoginPage, plainAccount, smsAccount, STEP_MS, totpAccount, twoMethodAccount } from '../../helpers/abuse-accounts.ts';
import { formAction, hiddenField } from '../../helpers/http-session.ts';
import { codeFor, textOf } from '../../helpers/mfa-flow.ts';
import { latestCode, readOutbox } from '../../helpers/sms-outbox.ts';
import { appOf, phoneOf } from '../../helpers/mfa-records.ts';
import type { RouteKit } from './route-kit.ts';
import type { Route } from './variants.ts';

/** Every POST route of a sign-in (/interaction/:uid/…), each armed to act. */
export function interactionRoutes(kit: RouteKit): Route[] {
  const { issuer, interaction, guard, outboxSize, interactionSnapshot, pageAfter, expectCallback, clock } = kit;
  return [
    {
      route: '/interaction/:uid/login',
      async arm(w) {
        const account = await plainAccount(w);
        const { session, page } = await atLoginPage(w);
        const uid = uidOf(page.url);
        return {
          session, uid, url: formAction(page.text, '/login', issuer()),
          fields: { csrf: hiddenField(page.text, 'csrf'), email: account.email, password: ABUSE_PASSWORD },
          snapshot: interactionSnapshot(session, uid),
          expectDone: (response) => expectCallback(session, response),
        };
      },
    },
    {
      route: '/interaction/:uid/totp',
      async arm(w) {
        const account = await totpAccount(w);
        const { session, page } = await afterPassword(w, account.email);
        const uid = uidOf(page.url);
        w.clock.advance(STEP_MS);
        return {
          session, uid, url: formAction(page.text, '/totp', issuer()),
          fields: { csrf: hiddenField(page.text, 'csrf'), code: codeFor(account.key, w.clock), trust: '1' },
          snapshot: interactionSnapshot(session, uid, async () => ({
            mfa: await w.store.mfa.get(account.id),
            failures: await guard().failures(account.id, 'totp'),
            devices: await w.store.trustedDevices.listForAccount(account.id),
          })),
          expectDone: (response) => expectCallback(session, response),
        };
      },
    },
    {
      route: '/interaction/:uid/sms',
      async arm(w) {
        const account = await smsAccount(w);
        const { session, page } = await afterPassword(w, account.email);
        const uid = uidOf(page.url);
        return {
          session, uid, url: formAction(page.text, '/sms', issuer()),
          fields: { csrf: hiddenField(page.text, 'csrf'), code: latestCode(w.idp.config.sms.outboxFile!, account.phone) },
          snapshot: interactionSnapshot(session, uid, async () => ({ mfa: await w.store.mfa.get(account.id), failures: await guard().failures(account.id, 'sms') })),
          expectDone: (response) => expectCallback(session, response),
        };
      },
    },
    {
      route: '/interaction/:uid/sms/send',
      async arm(w) {
        const account = await smsAccount(w);
        const { session, page } = await afterPassword(w, account.email);
        const uid = uidOf(page.url);
        w.clock.advance(31_000); // past the cooldown: a genuine resend would text again
        return {
          session, uid, url: formAction(page.text, '/sms/send', issuer()),
          fields: { csrf: hiddenField(page.text, 'csrf') },
          snapshot: interactionSnapshot(session, uid, async () => ({ texts: outboxSize() })),
          async expectDone(response) {
            const page = await pageAfter(session, response);
            expect(page.status).toBe(200);
            expect(readOutbox(w.idp.config.sms.outboxFile!).filter((m) => m.to === account.phone)).toHaveLength(3);
          },
        };
      },
    },
    {
      route: '/interaction/:uid/backup-code',
      async arm(w) {
        const account = await totpAccount(w);
        const { session, page } = await afterPassword(w, account.email);
        const uid = uidOf(page.url);
        const form = await session.get(`${issuer()}/interaction/${uid}/backup-code`);
        return {
          session, uid, url: formAction(form.text, '/backup-code', issuer()),
          fields: { csrf: hiddenField(form.text, 'csrf'), code: account.backupCode },
          snapshot: interactionSnapshot(session, uid, async () => ({ mfa: await w.store.mfa.get(account.id), failures: await guard().failures(account.id, 'backup-code') })),
          async expectDone(response) {
            const page = await pageAfter(session, response);
            expect(page.status).toBe(200);
            expect(textOf(page.text, 'backup-code')).not.toBe(account.backupCode);
          },
        };
      },
    },
    {
      route: '/interaction/:uid/enrol',
      async arm(w) {
        const account = await plainAccount(w);
        const { session, page } = await afterPassword(w, account.email, 'strict-app');
        const uid = uidOf(page.url);
        return {
          session, uid, url: formAction(page.text, '/enrol', issuer()),
          fields: { csrf: hiddenField(page.text, 'csrf'), code: codeFor(textOf(page.text, 'totp-key'), w.clock) },
          snapshot: interactionSnapshot(session, uid, async () => ({ mfa: (await w.store.mfa.get(account.id)) ?? null })),
          async expectDone(response) {
            const page = await pageAfter(session, response);
            expect(page.status).toBe(200);
            expect(page.text).toContain('id="backup-code"');
            expect(appOf(await w.store.mfa.get(account.id))).toBeTruthy();
          },
        };
      },
    },
    {
      route: '/interaction/:uid/enrol/sms',
      async arm(w) {
        const account = await plainAccount(w);
        const { session, page } = await afterPassword(w, account.email, 'strict-app');
        const uid = uidOf(page.url);
        const phonePage = await session.get(`${issuer()}/interaction/${uid}/enrol/sms`);
        return {
          session, uid, url: formAction(phonePage.text, '/enrol/sms', issuer()),
          fields: { csrf: hiddenField(phonePage.text, 'csrf'), phone: '+447400999101' },
          snapshot: interactionSnapshot(session, uid, async () => ({ texts: outboxSize() })),
          async expectDone(response) {
            const page = await pageAfter(session, response);
            expect(page.status).toBe(200);
            expect(page.text).toContain('/enrol/sms/verify');
          },
        };
      },
    },
    {
      route: '/interaction/:uid/enrol/sms/verify',
      async arm(w) {
        const account = await plainAccount(w);
        const phone = '+447400999102';
        const { session, page } = await afterPassword(w, account.email, 'strict-app');
        const uid = uidOf(page.url);
        const phonePage = await session.get(`${issuer()}/interaction/${uid}/enrol/sms`);
        const codePage = await session.submitForm(formAction(phonePage.text, '/enrol/sms', issuer()), { csrf: hiddenField(phonePage.text, 'csrf'), phone });
        return {
          session, uid, url: formAction(codePage.text, '/enrol/sms/verify', issuer()),
          fields: { csrf: hiddenField(codePage.text, 'csrf'), code: latestCode(w.idp.config.sms.outboxFile!, phone) },
          snapshot: interactionSnapshot(session, uid, async () => ({ mfa: (await w.store.mfa.get(account.id)) ?? null })),
          async expectDone(response) {
            const page = await pageAfter(session, response);
            expect(page.status).toBe(200);
            expect(page.text).toContain('id="backup-code"');
            expect(phoneOf(await w.store.mfa.get(account.id))?.phone).toBe(phone);
          },
        };
      },
    },
    {
      route: '/interaction/:uid/continue',
      async arm(w) {
        const account = await totpAccount(w);
        const { session, page } = await afterPassword(w, account.email);
        const uid = uidOf(page.url);
        const form = await session.get(`${issuer()}/interaction/${uid}/backup-code`);
        const newCode = await session.submitForm(formAction(form.text, '/backup-code', issuer()), { csrf: hiddenField(form.text, 'csrf'), code: account.backupCode });
        expect(newCode.text).toContain('id="backup-code"');
        return {
          session, uid, url: formAction(newCode.text, '/continue', issuer()),
          fields: { csrf: hiddenField(newCode.text, 'csrf') },
          snapshot: async () => ({ result: (await interaction(uid))?.result ?? null }),
          expectDone: (response) => expectCallback(session, response),
        };
      },
    },
    {
      route: '/interaction/:uid/other-ways',
      async arm(w) {
        const account = await twoMethodAccount(w);
        const { session, page } = await afterPassword(w, account.email);
        const uid = uidOf(page.url);
        const ways = await session.get(`${issuer()}/interaction/${uid}/other-ways`);
        const method = /name="method" value="([^"]+)"/.exec(ways.text)![1]!;
        return {
          session, uid, url: formAction(ways.text, '/other-ways', issuer()),
          fields: { csrf: hiddenField(ways.text, 'csrf'), method },
          // What the sign-in asks for: still the app, not the phone.
          snapshot: interactionSnapshot(session, uid, async () => ({ texts: outboxSize() })),
          async expectDone(response) {
            expect(response.status).toBe(303);
            const page = await session.get(`${issuer()}/interaction/${uid}`);
            expect(page.text).toContain('/sms"');
          },
        };
      },
    },
    {
      route: '/interaction/:uid/consent',
      async arm(w) {
        const account = await plainAccount(w);
        const { session, page } = await afterPassword(w, account.email, 'third-party-app');
        const uid = uidOf(page.url);
        return {
          session, uid, url: formAction(page.text, '/consent', issuer()),
          fields: { csrf: hiddenField(page.text, 'csrf') },
          snapshot: interactionSnapshot(session, uid),
          expectDone: (response) => expectCallback(session, response),
        };
      },
    },
    {
      route: '/interaction/:uid/abort',
      async arm(w) {
        const { session, page } = await atLoginPage(w);
        const uid = uidOf(page.url);
        return {
          session, uid, url: formAction(page.text, '/abort', issuer()),
          fields: { csrf: hiddenField(page.text, 'csrf') },
          snapshot: interactionSnapshot(session, uid),
          expectDone: (response) => expectCallback(session, response, 'access_denied'),
        };
      },
    },
  ];
}
