import { createFactorGuard, type FactorId } from '../../src/guard/factor-guard.ts';
import { timeStep, totpCode } from '../../src/factors/totp/totp.ts';
import { expectRefused, recordingLogger, uidOf } from '../helpers/abuse.ts';
import { ABUSE_PASSWORD, abuseConfig, afterPassword, atLoginPage, hasSession, plainAccount, smsAccount, STEP_MS, totpAccount } from '../helpers/abuse-accounts.ts';
import { base32Decode } from '../helpers/base32.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, submitCode, textOf } from '../helpers/mfa-flow.ts';
import { isCallback, submitPassword } from '../helpers/oidc-flow.ts';
import { latestCode } from '../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

/**
 * Guessing, spread out to dodge per-sign-in limits. Code guesses are counted per account and
 * factor in the store, so a new interaction (the right password each time) starts no new
 * count; password spraying is counted per client address. Each lock gives the same generic
 * answer as a wrong guess, and nothing past a lock signs anyone in.
 * (SMS pumping past each budget cap is covered by test/integration/sms-*.test.ts.)
 */
const LOCK_AFTER = 5;

describe.each(STORE_KINDS)('code guessing across fresh sign-ins on %s', (kind) => {
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, config: () => abuseConfig(), log });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  const failures = (accountId: string, factor: FactorId) => createFactorGuard(w.store.counters, { lockAfterFailures: LOCK_AFTER, maxFailures: 100 }).failures(accountId, factor);

  /** A six-digit code that is none of the codes valid right now (steps now-1, now, now+1). */
  function wrongCode(key: string): string {
    const secret = base32Decode(key.replace(/\s/g, ''));
    const now = timeStep(clock());
    const valid = new Set([now - 1, now, now + 1].map((step) => totpCode(secret, step)));
    for (let n = 0; ; n += 1) {
      const candidate = String(n).padStart(6, '0');
      if (!valid.has(candidate)) return candidate;
    }
  }

  /** A fresh browser and interaction, the right password, then one code: the answer, and whether a session resulted. */
  async function signInWithCode(account: { email: string }, code: string) {
    const { session, page } = await afterPassword(w, account.email);
    expect(page.text).toContain('autocomplete="one-time-code"');
    const answer = await submitCode(session, w.idp.issuer, page, code);
    return { session, answer, uid: uidOf(page.url) };
  }

  async function expectLockedOut(account: { email: string }, rightCode: string) {
    const { session, answer, uid } = await signInWithCode(account, rightCode);
    expectRefused(answer, 'CODE_INVALID');
    expect((await w.idp.app.Interaction.find(uid))?.result).toBeUndefined();
    expect(await hasSession(w, session)).toBe(false);
  }

  test('five wrong authenticator codes over five sign-ins lock the factor: the right code is refused, then accepted after the lock; the next round locks longer', async () => {
    const account = await totpAccount(w);
    for (let i = 0; i < LOCK_AFTER; i += 1) {
      const { answer } = await signInWithCode(account, wrongCode(account.key));
      expectRefused(answer, 'CODE_INVALID');
    }
    expect(await failures(account.id, 'totp')).toBe(LOCK_AFTER);

    clock.advance(STEP_MS);
    await expectLockedOut(account, codeFor(account.key, clock));
    // The refused right code was not even checked: it does not count as a sixth failure.
    expect(await failures(account.id, 'totp')).toBe(LOCK_AFTER);

    // The first lock is a minute. A right code then works, and clears the count.
    clock.advance(61_000);
    expect(isCallback((await signInWithCode(account, codeFor(account.key, clock))).answer)).toBe(true);
    expect(await failures(account.id, 'totp')).toBe(0);
  });

  test('a lock that has run out starts the next round where the last one ended: five more wrong codes lock for two minutes', async () => {
    const account = await totpAccount(w);
    for (let round = 1; round <= 2; round += 1) {
      for (let i = 0; i < LOCK_AFTER; i += 1) expectRefused((await signInWithCode(account, wrongCode(account.key))).answer, 'CODE_INVALID');
      if (round === 1) clock.advance(61_000); // the first lock runs out, the count stays
    }
    expect(await failures(account.id, 'totp')).toBe(2 * LOCK_AFTER);
    clock.advance(61_000);
    await expectLockedOut(account, codeFor(account.key, clock));
    clock.advance(60_000);
    expect(isCallback((await signInWithCode(account, codeFor(account.key, clock))).answer)).toBe(true);
  });

  test('the lock holds whatever the code is sent through: the backup code is counted on its own, and five wrong ones lock it too', async () => {
    const account = await totpAccount(w);
    const backupForm = async () => {
      const { session, page } = await afterPassword(w, account.email);
      const form = await session.get(`${w.idp.issuer}/interaction/${uidOf(page.url)}/backup-code`);
      return { session, uid: uidOf(page.url), send: (code: string) => session.postForm(formAction(form.text, '/backup-code', w.idp.issuer), { csrf: hiddenField(form.text, 'csrf'), code }) };
    };
    for (let i = 0; i < LOCK_AFTER; i += 1) {
      expectRefused(await (await backupForm()).send('AAAA-AAAA-AAAA-AAAA'), 'CODE_INVALID');
    }
    const before = await w.store.mfa.get(account.id);
    const last = await backupForm();
    expectRefused(await last.send(account.backupCode), 'CODE_INVALID');
    // Not spent by the refused attempt, and no sign-in resulted.
    expect((await w.store.mfa.get(account.id))?.backupCodeHash).toBe(before?.backupCodeHash);
    expect((await w.idp.app.Interaction.find(last.uid))?.result).toBeUndefined();
    expect(await hasSession(w, last.session)).toBe(false);
    clock.advance(61_000);
    expect(textOf((await (await backupForm()).send(account.backupCode)).text, 'backup-code')).not.toBe(account.backupCode);
  });

  test('five wrong texted codes over five sign-ins (a new code texted each time) lock the factor: the right code is then refused', async () => {
    const account = await smsAccount(w);
    const outbox = w.idp.config.sms.outboxFile!;
    const atSmsChallenge = async () => {
      clock.advance(31_000); // past the resend cooldown: each sign-in texts a new code
      const { session, page } = await afterPassword(w, account.email);
      expect(page.text).toContain('autocomplete="one-time-code"');
      return { session, page, uid: uidOf(page.url) };
    };
    const send = async (session: HttpSession, page: HttpResponse, code: string) =>
      session.follow(await session.postForm(formAction(page.text, '/sms', w.idp.issuer), { csrf: hiddenField(page.text, 'csrf'), code }), w.idp.issuer);
    for (let i = 0; i < LOCK_AFTER; i += 1) {
      const { session, page } = await atSmsChallenge();
      const right = latestCode(outbox, account.phone);
      expectRefused(await send(session, page, right === '000000' ? '000001' : '000000'), 'CODE_INVALID');
    }
    expect(await failures(account.id, 'sms')).toBe(LOCK_AFTER);
    const { session, page, uid } = await atSmsChallenge();
    expectRefused(await send(session, page, latestCode(outbox, account.phone)), 'CODE_INVALID');
    expect((await w.idp.app.Interaction.find(uid))?.result).toBeUndefined();
    expect(await hasSession(w, session)).toBe(false);
  });
});

describe.each(STORE_KINDS)('password spraying from one address on %s', (kind) => {
  const PER_IP = 5;
  const log = recordingLogger();
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, log, config: () => abuseConfig({ login: { maxFailuresPerAccount: 10, maxFailuresPerIp: PER_IP, failureWindowSeconds: 900 } }) });

  afterEach(() => {
    expect(log.failures()).toEqual([]);
  });

  test('one common password tried once on each of many accounts: past the per-IP limit every sign-in is a 429, even a right one, whatever X-Forwarded-For says', async () => {
    const accounts = [];
    for (let i = 0; i < PER_IP + 2; i += 1) accounts.push(await plainAccount(w));
    const attempt = async (email: string, password: string, headers: Record<string, string> = {}) => {
      const session = new HttpSession(headers);
      const { page } = await atLoginPage(w, 'first-party-app', session);
      return { session, uid: uidOf(page.url), answer: await submitPassword(session, w.idp.issuer, page, email, password) };
    };
    // One failure per account: no account lock is involved, only the address.
    for (let i = 0; i < PER_IP; i += 1) expectRefused((await attempt(accounts[i]!.email, 'Winter2030!')).answer, 'INVALID_CREDENTIALS');
    const blocked = await attempt(accounts[PER_IP]!.email, ABUSE_PASSWORD);
    expectRefused(blocked.answer, 'TOO_MANY_ATTEMPTS');
    expect((await w.idp.app.Interaction.find(blocked.uid))?.result).toBeUndefined();
    expect(await hasSession(w, blocked.session)).toBe(false);
    // TRUST_PROXY is off: a client-supplied X-Forwarded-For is not an address to count by.
    for (let i = 0; i < 3; i += 1) {
      expectRefused((await attempt(accounts[PER_IP + 1]!.email, ABUSE_PASSWORD, { 'x-forwarded-for': `198.51.100.${i + 1}` })).answer, 'TOO_MANY_ATTEMPTS');
    }
    // After the window the address may sign in again.
    clock.advance(901_000);
    expect(isCallback((await attempt(accounts[PER_IP]!.email, ABUSE_PASSWORD)).answer)).toBe(true);
  });
});

/**
 * Behind a load balancer (TRUST_PROXY=true, as the README says to set for several instances),
 * the balancer appends the address it saw to X-Forwarded-For: a client that sends its own
 * header arrives as "X-Forwarded-For: <whatever it sent>, <its real address>". The address
 * to count by is the one the balancer appended (the last), never what the client wrote.
 */
describe.each(STORE_KINDS)('password spraying behind a proxy (TRUST_PROXY=true) on %s', (kind) => {
  const PER_IP = 5;
  const ATTACKER = '203.0.113.7';
  const clock = createFakeClock(Date.now());
  const w = useIdpWorld(kind, { clock, config: () => abuseConfig({ trustProxy: true, login: { maxFailuresPerAccount: 10, maxFailuresPerIp: PER_IP, failureWindowSeconds: 900 } }) });

  /** A sign-in through the balancer: it appends `clientAddress` to whatever the client sent. */
  async function throughProxy(clientAddress: string, clientHeader: string | undefined, email: string, password: string) {
    const forwarded = clientHeader ? `${clientHeader}, ${clientAddress}` : clientAddress;
    const session = new HttpSession({ 'x-forwarded-for': forwarded });
    const { page } = await atLoginPage(w, 'first-party-app', session);
    return submitPassword(session, w.idp.issuer, page, email, password);
  }

  test('an attacker who writes a new X-Forwarded-For on every attempt is still one address: the 6th attempt is a 429', async () => {
    const accounts = [];
    for (let i = 0; i < PER_IP + 1; i += 1) accounts.push(await plainAccount(w));
    for (let i = 0; i < PER_IP; i += 1) {
      expectRefused(await throughProxy(ATTACKER, `198.51.100.${i + 1}`, accounts[i]!.email, 'Winter2030!'), 'INVALID_CREDENTIALS');
    }
    const sixth = await throughProxy(ATTACKER, '198.51.100.99', accounts[PER_IP]!.email, 'Winter2030!');
    expect({ status: sixth.status, page: /data-code="([^"]*)"/.exec(sixth.text)?.[1] }).toEqual({ status: 429, page: 'TOO_MANY_ATTEMPTS' });
  });

  test('another real client behind the same balancer is not blocked by the attacker (control)', async () => {
    const account = await plainAccount(w);
    for (let i = 0; i < PER_IP; i += 1) await throughProxy('203.0.113.50', undefined, account.email, 'Winter2030!');
    expectRefused(await throughProxy('203.0.113.50', undefined, account.email, ABUSE_PASSWORD), 'TOO_MANY_ATTEMPTS');
    expect(isCallback(await throughProxy('203.0.113.51', undefined, account.email, ABUSE_PASSWORD))).toBe(true);
  });
});
