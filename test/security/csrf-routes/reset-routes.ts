import { ABUSE_PASSWORD, plainAccount } from '../../helpers/abuse-accounts.ts';
import { hiddenField, HttpSession } from '../../helpers/http-session.ts';
import type { RouteKit } from './route-kit.ts';
import type { Route } from './variants.ts';

/** "Forgot password?" and the reset link's form: no cookie owns them, so each is armed without a session. */
export function resetRoutes(kit: RouteKit): Route[] {
  const { issuer, mails, mailArrives } = kit;
  return [
    {
      route: '/account/password/forgot',
      sessionless: true,
      async arm(w) {
        const account = await plainAccount(w, 'forgetful');
        const session = new HttpSession();
        const page = await session.get(`${issuer()}/account/password/forgot`);
        return {
          session, url: `${issuer()}/account/password/forgot`,
          fields: { csrf: hiddenField(page.text, 'csrf'), email: account.email },
          snapshot: async () => ({ mails: mails(account.email).length }),
          async expectDone(response) {
            expect(response.location).toBe(`${issuer()}/account/password/forgot/sent`);
            await mailArrives(account.email, 1);
          },
        };
      },
    },
    {
      route: '/account/password/reset',
      sessionless: true,
      async arm(w) {
        const account = await plainAccount(w, 'resetting');
        const session = new HttpSession();
        const forgot = await session.get(`${issuer()}/account/password/forgot`);
        await session.postForm(`${issuer()}/account/password/forgot`, { csrf: hiddenField(forgot.text, 'csrf'), email: account.email });
        await mailArrives(account.email, 1);
        const link = /(http\S+token=[\w-]+)/.exec(mails(account.email)[0]!.text)![1]!;
        const page = await session.get(link);
        const fresh = 'a new password nobody guesses';
        return {
          session, url: `${issuer()}/account/password/reset`,
          fields: { csrf: hiddenField(page.text, 'csrf'), token: hiddenField(page.text, 'token'), password: fresh, confirm: fresh },
          snapshot: async () => ({ oldPassword: Boolean(await w.idp.directory.authenticate(account.email, ABUSE_PASSWORD)), link: (await session.get(link)).status }),
          async expectDone(response) {
            expect(response.location).toBe(`${issuer()}/account/password/reset/done`);
            expect(await w.idp.directory.authenticate(account.email, fresh)).toBe(account.id);
          },
        };
      },
    },
  ];
}
