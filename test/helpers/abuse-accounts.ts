import type { Config } from '../../src/hosted/config/schema.ts';
import type { Store } from '../../src/store/store.ts';
import type { FakeClock } from './fake-clock.ts';
import { hiddenField, HttpSession, type HttpResponse } from './http-session.ts';
import { codeFor, enrolAuthenticator, openSecurityPage, submitCode, textOf } from './mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, submitPassword } from './oidc-flow.ts';
import { latestCode } from './sms-outbox.ts';
import { RP_CALLBACK, TEST_CLIENTS, type TestIdp } from './start-idp.ts';
import { testConfig } from './test-config.ts';

/**
 * Accounts in each state the abuse battery attacks (no MFA, authenticator app, text message),
 * and browsers parked at each step of a sign-in. Built only from the journeys a person takes.
 */
export const ABUSE_PASSWORD = 'a password for the abuse battery';
export const THIRD_PARTY_SECRET = 'third-party-app-secret-for-tests-only';
export const STEP_MS = 30_000;

/** TEST_CLIENTS plus an app that requires MFA, so enrolment during sign-in can be attacked too. */
export const ABUSE_CLIENTS = [
  ...TEST_CLIENTS,
  { client_id: 'strict-app', client_name: 'Strict App', token_endpoint_auth_method: 'none' as const, redirect_uris: [RP_CALLBACK], first_party: true, require_mfa: true },
];

/**
 * A test configuration with the development SMS outbox on, SMS caps out of the way (pumping is
 * tested elsewhere) and re-authentication that stays fresh however far the fake clock runs ahead.
 */
export function abuseConfig(overrides: Partial<Config> = {}): Partial<Config> {
  const base = testConfig();
  return {
    dataDir: base.dataDir,
    sms: { ...base.sms, provider: 'outbox', allowedCountries: null, perAccountPerHour: 1000, perNumberPerDay: 1000, perIpPerHour: 1000, globalPerHour: 100_000 },
    mfa: { ...base.mfa, reauthWithinSeconds: 24 * 3600 },
    ...overrides,
  };
}

export interface AbuseWorld {
  idp: TestIdp;
  store: Store;
  clock: FakeClock;
}

let serial = 0;
/** Unique per test file run: emails and phone numbers never collide between tests or stores. */
export const nextEmail = (label: string) => `${label}${(serial += 1)}-${process.pid}@example.com`;
export const nextPhone = () => `+447400${String(100_000 + ((serial += 1) % 900_000))}`;

export async function accountIdOf(world: AbuseWorld, email: string): Promise<string> {
  const account = await world.idp.directory.findByEmail(email);
  if (!account) throw new Error(`no account ${email}`);
  return account.id;
}

export async function plainAccount(world: AbuseWorld, label = 'plain') {
  const email = nextEmail(label);
  const { id } = await world.idp.directory.add({ email, password: ABUSE_PASSWORD });
  return { email, id };
}

/** An account with an authenticator app, and the console browser that set it up (signed in with the code). */
export async function totpAccount(world: AbuseWorld, label = 'totp') {
  const { email, id } = await plainAccount(world, label);
  const console = new HttpSession();
  await openSecurityPage(console, world.idp.issuer, { email, password: ABUSE_PASSWORD });
  const { key, backupCode } = await enrolAuthenticator(console, world.idp.issuer, world.clock);
  return { email, id, key, backupCode };
}

/** An account with codes by text message, enrolled through the Security page and the outbox. */
export async function smsAccount(world: AbuseWorld, label = 'sms') {
  const { email, id } = await plainAccount(world, label);
  const phone = nextPhone();
  const backupCode = await addPhoneOnSecurityPage(world, await signedInConsole(world, { email }), phone);
  return { email, id, phone, backupCode };
}

/** An account with an authenticator app (its default) and a phone: two methods. */
export async function twoMethodAccount(world: AbuseWorld, label = 'both') {
  const account = await totpAccount(world, label);
  const phone = nextPhone();
  const backupCode = await addPhoneOnSecurityPage(world, await signedInConsole(world, account), phone);
  return { ...account, phone, backupCode };
}

/** Security → Add a method → text message → the number → the texted code: answers the new backup code. */
export async function addPhoneOnSecurityPage(world: AbuseWorld, console: HttpSession, phone: string): Promise<string> {
  const outbox = world.idp.config.sms.outboxFile!;
  const choose = await console.get(`${world.idp.issuer}/account/security/setup`);
  const phonePage = await console.follow(await console.postForm(`${world.idp.issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'sms' }), world.idp.issuer);
  const codePage = await console.submitForm(`${world.idp.issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone });
  const done = await console.submitForm(`${world.idp.issuer}/account/security/setup/sms/verify`, { csrf: hiddenField(codePage.text, 'csrf'), code: latestCode(outbox, phone) });
  if (done.status !== 200) throw new Error(`SMS enrolment failed: ${done.status}\n${done.text.slice(0, 500)}`);
  world.clock.advance(31_000); // past the resend cooldown
  return textOf(done.text, 'backup-code');
}

/** A browser signed in on the Security page, with the code where the account has an authenticator app. */
export async function signedInConsole(world: AbuseWorld, account: { email: string; key?: string }, password = ABUSE_PASSWORD): Promise<HttpSession> {
  const console = new HttpSession();
  if (account.key) world.clock.advance(STEP_MS);
  const page = await openSecurityPage(console, world.idp.issuer, { email: account.email, password, key: account.key, clock: world.clock });
  if (page.status !== 200 || !page.url.endsWith('/account/security')) throw new Error(`not signed in on the Security page: ${page.status} ${page.url}`);
  return console;
}

/** A new browser after the right password: at the code, enrolment or consent page (or the callback). */
export async function afterPassword(world: AbuseWorld, email: string, clientId = 'first-party-app', session = new HttpSession()): Promise<{ session: HttpSession; page: HttpResponse }> {
  const client = await discoverClient(world.idp.issuer, clientId, clientId === 'third-party-app' ? THIRD_PARTY_SECRET : undefined);
  const login = await openAuthorization(session, world.idp.issuer, await buildAuthorization(client));
  return { session, page: await submitPassword(session, world.idp.issuer, login, email, ABUSE_PASSWORD) };
}

/** A new browser at the sign-in page of a new interaction. */
export async function atLoginPage(world: AbuseWorld, clientId = 'first-party-app', session = new HttpSession()): Promise<{ session: HttpSession; page: HttpResponse }> {
  const client = await discoverClient(world.idp.issuer, clientId, clientId === 'third-party-app' ? THIRD_PARTY_SECRET : undefined);
  const page = await openAuthorization(session, world.idp.issuer, await buildAuthorization(client));
  if (!page.text.includes('autocomplete="current-password"')) throw new Error(`not the sign-in page: ${page.status} ${page.url}`);
  return { session, page };
}

/** A browser that signed in with the code and ticked "Trust this device": the account now has one trusted device. */
export async function trustABrowser(world: AbuseWorld, account: { email: string; key: string }): Promise<HttpSession> {
  const { session, page } = await afterPassword(world, account.email);
  world.clock.advance(STEP_MS);
  const done = await submitCode(session, world.idp.issuer, page, codeFor(account.key, world.clock), { trust: '1' });
  if (!isCallback(done)) throw new Error(`trusted sign-in did not finish: ${done.status} ${done.url}`);
  return session;
}

/** Whether this browser holds a provider session: another app's authorization goes straight back with a code. */
export async function hasSession(world: AbuseWorld, session: HttpSession): Promise<boolean> {
  const client = await discoverClient(world.idp.issuer, 'first-party-app');
  const page = await openAuthorization(session, world.idp.issuer, await buildAuthorization(client));
  return isCallback(page);
}
