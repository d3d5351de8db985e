import { createFactorGuard } from '../../../src/guard/factor-guard.ts';
import { ABUSE_PASSWORD, plainAccount, signedInConsole, type AbuseWorld } from '../../helpers/abuse-accounts.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../../helpers/http-session.ts';
import { isCallback } from '../../helpers/oidc-flow.ts';
import { readOutbox, type OutboxMail } from '../../helpers/sms-outbox.ts';
import { addPasskeyOnSecurityPage, passkeyOptionsOf } from '../../helpers/passkey-flow.ts';
import { createSoftAuthenticator } from '../../helpers/soft-authenticator.ts';
import type { FakeClock } from '../../helpers/fake-clock.ts';

/**
 * What the route tables of the CSRF and origin battery (../csrf-and-origin.test.ts) stand on: the
 * world's issuer and interactions, the factor guard, the outboxes, and the steps that bring a
 * route to the state where its request would really act. Made once per store's world.
 */
export function routeKit(world: AbuseWorld, clock: FakeClock) {
  const issuer = () => world.idp.issuer;
  const interaction = (uid: string) => world.idp.app.Interaction.find(uid);
  const guard = () => createFactorGuard(world.store.counters, { lockAfterFailures: 5, maxFailures: 100 });
  const outboxSize = () => readOutbox(world.idp.config.sms.outboxFile!).length;

  /** The interaction's result (none may appear), the page it shows now, plus route-specific state. */
  function interactionSnapshot(session: HttpSession, uid: string, extra: () => Promise<unknown> = async () => null) {
    return async () => {
      const page = await session.get(`${issuer()}/interaction/${uid}`);
      const shows = ['current-password', 'one-time-code', 'totp-key', '/consent'].find((marker) => page.text.includes(marker)) ?? `status ${page.status}`;
      return { result: (await interaction(uid))?.result ?? null, shows, extra: await extra() };
    };
  }

  /** Post/Redirect/Get: the genuine POST is answered with a 303, and the page it leads to is what the browser shows. */
  async function pageAfter(session: HttpSession, response: HttpResponse): Promise<HttpResponse> {
    expect({ status: response.status, location: Boolean(response.location) }).toEqual({ status: 303, location: true });
    return session.follow(response, issuer());
  }

  async function expectCallback(session: HttpSession, response: HttpResponse, error?: string) {
    const done = await session.follow(response, issuer());
    expect(isCallback(done)).toBe(true);
    const params = new URL(done.location!).searchParams;
    if (error) expect(params.get('error')).toBe(error);
    else expect(params.get('code')).toEqual(expect.any(String));
  }

  /** An account whose one method is a passkey on a software authenticator (test/helpers/soft-authenticator.ts). */
  async function passkeyAccount(w: AbuseWorld) {
    const account = await plainAccount(w, 'passkey');
    const device = createSoftAuthenticator({ origin: w.idp.issuer, counterStart: 1 });
    const done = await addPasskeyOnSecurityPage(await signedInConsole(w, account), w.idp.issuer, device);
    expect(done.status).toBe(200);
    const passkeys = async () => ((await w.store.mfa.get(account.id))?.credentials ?? []).filter((method) => method.type === 'passkey');
    return { ...account, device, passkeys };
  }

  /** The Security page of a passkey account: the password, then the passkey. */
  async function openPasskeyConsole(w: AbuseWorld, session: HttpSession, account: { email: string; device: ReturnType<typeof createSoftAuthenticator> }) {
    let page = await session.follow(await session.get(`${issuer()}/account/security`), issuer());
    const challenge = await session.follow(await session.postForm(formAction(page.text, '/login', issuer()), { csrf: hiddenField(page.text, 'csrf'), email: account.email, password: ABUSE_PASSWORD }), issuer());
    const assertion = account.device.authenticate(passkeyOptionsOf(challenge.text));
    page = await session.follow(await session.postForm(formAction(challenge.text, '/passkey', issuer()), { csrf: hiddenField(challenge.text, 'csrf'), response: JSON.stringify(assertion) }), issuer());
    expect(page.url).toContain('/account/security');
    return page;
  }

  /** A Security-page form, with the page's token, for a fresh session of this account. */
  async function consoleForm(w: AbuseWorld, account: { email: string; key?: string }, path: string, fields: Record<string, string>, page = '/account/security') {
    const session = await signedInConsole(w, account);
    const csrf = hiddenField((await session.get(`${issuer()}${page}`)).text, 'csrf');
    return { session, url: `${issuer()}${path}`, fields: { csrf, ...fields } };
  }

  const mails = (to: string) => readOutbox<OutboxMail>(world.idp.config.mail.outboxFile!).filter((mail) => mail.to === to);
  async function mailArrives(to: string, count: number) {
    for (let waited = 0; waited < 5000 && mails(to).length < count; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mails(to)).toHaveLength(count);
  }

  return { world, clock, issuer, interaction, guard, outboxSize, interactionSnapshot, pageAfter, expectCallback, passkeyAccount, openPasskeyConsole, consoleForm, mails, mailArrives };
}

export type RouteKit = ReturnType<typeof routeKit>;
