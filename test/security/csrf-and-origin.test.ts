import * as oidc from 'openid-client';
import { createFactorGuard } from '../../src/guard/factor-guard.ts';
import type { ErrorCode } from '../../src/errors.ts';
import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import {
  ABUSE_CLIENTS, ABUSE_PASSWORD, abuseConfig, afterPassword, atLoginPage, hasSession, plainAccount, signedInConsole, smsAccount, STEP_MS,
  totpAccount, trustABrowser, type AbuseWorld, twoMethodAccount,
} from '../helpers/abuse-accounts.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, textOf } from '../helpers/mfa-flow.ts';
import { discoverClient, isCallback, signIn } from '../helpers/oidc-flow.ts';
import { latestCode, readOutbox, type OutboxMail } from '../helpers/sms-outbox.ts';
import { RP_LOGGED_OUT } from '../helpers/start-idp.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { appOf, phoneOf } from '../helpers/mfa-records.ts';
import { addPasskeyOnSecurityPage, passkeyOptionsOf } from '../helpers/passkey-flow.ts';
import { createSoftAuthenticator } from '../helpers/soft-authenticator.ts';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { signInToApp } from '../helpers/consent-flow.ts';

/**
 * Every POST route we expose, each first brought to the state where the request would really
 * act (the right password, the right code, a device to revoke...), then sent without a CSRF
 * token, with a forged or foreign one, from a foreign Origin or with Sec-Fetch-Site: cross-site.
 * Each must be a 403 with its message, change nothing (the interaction has no result, the
 * store is as it was), and the same request with its own token must then still work: proof
 * that the attack was aimed at something real and that the refusals consumed nothing.
 */

/** A request ready to succeed, and what it changes. */
interface Armed {
  session: HttpSession;
  url: string;
  /** The form as the page would send it, its own CSRF token included. */
  fields: Record<string, string>;
  /** For interaction routes: the interaction that must not receive a result. */
  uid?: string;
  /** The state the route would change, read from the store (and the browser's view of it). */
  snapshot(): Promise<unknown>;
  /** The genuine request, with its token, did what the route is for. */
  expectDone(response: HttpResponse): Promise<void>;
}

interface Variant {
  name: string;
  code: ErrorCode;
  request(armed: Armed, foreign: ForeignTokens, issuer: string): VariantRequest;
}

/** The fields are form-encoded as a page would; `body` replaces them with a hand-made one. */
interface VariantRequest {
  url: string;
  fields: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
}

interface ForeignTokens {
  interaction: string;
  console: string;
}

const withCsrf = (fields: Record<string, string>, csrf?: string) => {
  const { csrf: _own, ...rest } = fields;
  return csrf === undefined ? rest : { ...rest, csrf };
};

const VARIANTS: Variant[] = [
  { name: 'no CSRF token', code: 'CSRF_FAILED', request: (a) => ({ url: a.url, fields: withCsrf(a.fields) }) },
  { name: 'an empty CSRF token', code: 'CSRF_FAILED', request: (a) => ({ url: a.url, fields: withCsrf(a.fields, '') }) },
  { name: 'a forged CSRF token of the right shape', code: 'CSRF_FAILED', request: (a) => ({ url: a.url, fields: withCsrf(a.fields, 'A'.repeat(43)) }) },
  { name: "another sign-in's token", code: 'CSRF_FAILED', request: (a, f) => ({ url: a.url, fields: withCsrf(a.fields, f.interaction) }) },
  { name: "another account's Security-page token", code: 'CSRF_FAILED', request: (a, f) => ({ url: a.url, fields: withCsrf(a.fields, f.console) }) },
  { name: 'its own token in the query string only', code: 'CSRF_FAILED', request: (a) => ({ url: `${a.url}?csrf=${encodeURIComponent(a.fields.csrf!)}`, fields: withCsrf(a.fields) }) },
  { name: 'a wrong token first, its own token repeated after it', code: 'CSRF_FAILED', request: (a) => ({ url: a.url, fields: {}, body: `csrf=forged&${new URLSearchParams(a.fields)}` }) },
  { name: 'a foreign Origin (with its own token)', code: 'ORIGIN_REJECTED', request: (a) => ({ url: a.url, fields: a.fields, headers: { origin: 'https://evil.example' } }) },
  { name: 'Origin: null (with its own token)', code: 'ORIGIN_REJECTED', request: (a) => ({ url: a.url, fields: a.fields, headers: { origin: 'null' } }) },
  { name: 'a look-alike Origin (with its own token)', code: 'ORIGIN_REJECTED', request: (a, _f, issuer) => ({ url: a.url, fields: a.fields, headers: { origin: `${issuer}.evil.example` } }) },
  { name: 'our host over https (with its own token)', code: 'ORIGIN_REJECTED', request: (a, _f, issuer) => ({ url: a.url, fields: a.fields, headers: { origin: issuer.replace('http:', 'https:') } }) },
  { name: 'Sec-Fetch-Site: cross-site (with its own token and our Origin)', code: 'ORIGIN_REJECTED', request: (a) => ({ url: a.url, fields: a.fields, headers: { 'sec-fetch-site': 'cross-site' } }) },
];

/** Sends one variant: form-encoded, as a browser would, with the session's cookies. */
async function send(armed: Armed, variant: Variant, foreign: ForeignTokens, issuer: string): Promise<HttpResponse> {
  const request = variant.request(armed, foreign, issuer);
  if (request.body !== undefined) {
    return armed.session.request(request.url, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', origin: issuer },
      body: request.body,
    });
  }
  return armed.session.postForm(request.url, request.fields, request.headers);
}

/** `sessionless`: a form no cookie owns ("Forgot password?", a reset link's page): bound to its purpose or link instead. */
type Route = { route: string; sessionless?: true; arm(world: AbuseWorld): Promise<Armed> };

describe.each(STORE_KINDS)('CSRF and origin checks on every POST route on %s', (kind) => {
  let foreign: ForeignTokens;
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const world = useIdpWorld(kind, { clock, clients: ABUSE_CLIENTS, config: () => abuseConfig(), log });

  beforeAll(async () => {
    // Tokens an attacker can get legitimately: from a sign-in page and a Security page of their own.
    const { page } = await atLoginPage(world);
    const attacker = await plainAccount(world, 'attacker');
    const attackerConsole = await signedInConsole(world, attacker);
    foreign = {
      interaction: hiddenField(page.text, 'csrf'),
      console: hiddenField((await attackerConsole.get(`${world.idp.issuer}/account/security/setup`)).text, 'csrf'),
    };
  });

  afterEach(() => {
    // Nothing above may have failed inside the server: no request.failed (500) was logged.
    expect(log.failures()).toEqual([]);
  });

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

  const PASSKEY_ROUTES: Route[] = [
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

  /** The Security page of a passkey account: the password, then the passkey. */
  async function openPasskeyConsole(w: AbuseWorld, session: HttpSession, account: { email: string; device: ReturnType<typeof createSoftAuthenticator> }) {
    let page = await session.follow(await session.get(`${issuer()}/account/security`), issuer());
    const challenge = await session.follow(await session.postForm(formAction(page.text, '/login', issuer()), { csrf: hiddenField(page.text, 'csrf'), email: account.email, password: ABUSE_PASSWORD }), issuer());
    const assertion = account.device.authenticate(passkeyOptionsOf(challenge.text));
    page = await session.follow(await session.postForm(formAction(challenge.text, '/passkey', issuer()), { csrf: hiddenField(challenge.text, 'csrf'), response: JSON.stringify(assertion) }), issuer());
    expect(page.url).toContain('/account/security');
    return page;
  }

  const INTERACTION_ROUTES: Route[] = [
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

  /** A Security-page form, with the page's token, for a fresh session of this account. */
  async function consoleForm(w: AbuseWorld, account: { email: string; key?: string }, path: string, fields: Record<string, string>, page = '/account/security') {
    const session = await signedInConsole(w, account);
    const csrf = hiddenField((await session.get(`${issuer()}${page}`)).text, 'csrf');
    return { session, url: `${issuer()}${path}`, fields: { csrf, ...fields } };
  }

  const CONSOLE_ROUTES: Route[] = [
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
        const form = await consoleForm(w, account, '/account/security/devices/revoke', { id: device!.id }, '/account/security/devices');
        return {
          ...form,
          snapshot: async () => ({ devices: await w.store.trustedDevices.listForAccount(account.id) }),
          async expectDone(response) {
            expect(response.status).toBe(303);
            expect(await w.store.trustedDevices.listForAccount(account.id)).toEqual([]);
          },
        };
      },
    },
    {
      route: '/account/security/devices/revoke-all',
      async arm(w) {
        const account = await totpAccount(w);
        await trustABrowser(w, account);
        await trustABrowser(w, account);
        const form = await consoleForm(w, account, '/account/security/devices/revoke-all', {}, '/account/security/devices');
        return {
          ...form,
          snapshot: async () => ({ devices: await w.store.trustedDevices.listForAccount(account.id) }),
          async expectDone(response) {
            expect(response.status).toBe(303);
            expect(await w.store.trustedDevices.listForAccount(account.id)).toEqual([]);
          },
        };
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

  const mails = (to: string) => readOutbox<OutboxMail>(world.idp.config.mail.outboxFile!).filter((mail) => mail.to === to);
  async function mailArrives(to: string, count: number) {
    for (let waited = 0; waited < 5000 && mails(to).length < count; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mails(to)).toHaveLength(count);
  }

  const PASSWORD_RESET_ROUTES: Route[] = [
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

  const ROUTES = [...INTERACTION_ROUTES, ...CONSOLE_ROUTES, ...PASSKEY_ROUTES, ...PASSWORD_RESET_ROUTES];

  test('the table covers every POST route the routers define', () => {
    // @koa/router hangs its router on the middleware it returns: read the POST routes it registered.
    const defined = world.idp.app.middleware
      .flatMap((mw) => (mw as { router?: { stack: { methods: string[]; path: string }[] } }).router?.stack ?? [])
      .filter((layer) => layer.methods.includes('POST'))
      .map((layer) => layer.path);
    expect(defined.length).toBeGreaterThan(0);
    expect(new Set(ROUTES.map((r) => r.route))).toEqual(new Set(defined));
  });

  test.each(ROUTES.map((r) => [r.route, r] as const))('POST %s: every forged or cross-site variant is a 403 and changes nothing', async (_route, { arm }) => {
    const armed = await arm(world);
    const before = await armed.snapshot();
    for (const variant of VARIANTS) {
      const response = await send(armed, variant, foreign, issuer());
      try {
        expectRefused(response, variant.code);
      } catch (error) {
        throw new Error(`${variant.name}: ${(error as Error).message}`);
      }
    }
    expect(await armed.snapshot()).toEqual(before);
    if (armed.uid) expect((await interaction(armed.uid))?.result).toBeUndefined();
    // The same request with its own token, from our own page, still works: nothing was used up.
    await armed.expectDone(await armed.session.postForm(armed.url, armed.fields));
  });

  test.each(ROUTES.map((r) => [r.route, r] as const))('POST %s from a browser without our cookies: refused before anything is read', async (route, { arm, sessionless }) => {
    const armed = await arm(world);
    const before = await armed.snapshot();
    const stranger = new HttpSession();
    if (sessionless) {
      // No cookie owns these forms (a forgotten password has no session): the link or the purpose does, so only the origin checks apply.
      expectRefused(await stranger.postForm(armed.url, armed.fields, { origin: 'https://evil.example' }), 'ORIGIN_REJECTED');
      expectRefused(await stranger.postForm(armed.url, armed.fields, { 'sec-fetch-site': 'cross-site' }), 'ORIGIN_REJECTED');
      expect(await armed.snapshot()).toEqual(before);
      return;
    }
    // No cookie means no interaction (400) or no session (401): the route cannot even tell what the form is for.
    // The Origin check comes first in both routers, so a foreign Origin is a 403 whatever else is missing.
    const missing = route.startsWith('/interaction/') ? 'INTERACTION_EXPIRED' : 'NOT_SIGNED_IN';
    expectRefused(await stranger.postForm(armed.url, armed.fields), missing);
    expectRefused(await stranger.postForm(armed.url, withCsrf(armed.fields)), missing);
    expectRefused(await stranger.postForm(armed.url, armed.fields, { origin: 'https://evil.example' }), 'ORIGIN_REJECTED');
    expectRefused(await stranger.postForm(armed.url, armed.fields, { 'sec-fetch-site': 'cross-site' }), 'ORIGIN_REJECTED');
    expect(await armed.snapshot()).toEqual(before);
  });

  test("oidc-provider's sign-out confirmation: without its xsrf token, or with another browser's, nobody is signed out", async () => {
    const account = await plainAccount(world);
    const client = await discoverClient(issuer(), 'first-party-app');
    const victim = await signIn({ issuer: issuer(), client, email: account.email, password: ABUSE_PASSWORD });
    const other = await signIn({ issuer: issuer(), client, email: account.email, password: ABUSE_PASSWORD });
    const endSession = (tokens: typeof victim.tokens) => oidc.buildEndSessionUrl(client, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP_LOGGED_OUT }).href;
    const confirm = await victim.session.get(endSession(victim.tokens));
    const otherConfirm = await other.session.get(endSession(other.tokens));
    const action = formAction(confirm.text, '/session/end/confirm', issuer());
    for (const fields of [{ logout: 'yes' } as Record<string, string>, { logout: 'yes', xsrf: '' }, { logout: 'yes', xsrf: hiddenField(otherConfirm.text, 'xsrf') }]) {
      const response = await victim.session.postForm(action, fields);
      expect(response.status).toBe(400);
      expect(response.location).toBeUndefined();
      expect(response.text).toContain('invalid_request');
    }
    expect(await hasSession(world, victim.session)).toBe(true);
  });
});
