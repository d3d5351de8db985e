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
import { latestCode, readOutbox } from '../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { providerResultOf } from '../helpers/interaction-result.ts';

/**
 * Guessing, spread out to dodge per-sign-in limits. Code guesses are counted per account and
 * factor in the store, so a new interaction (the right password each time) starts no new
 * count; password spraying is counted per client address. A wrong guess gets the generic
 * answer; once the factor is paused, the page (shown only after the right password) says so and
 * until when, asks for no code and sends none, and nothing posted anyway is checked or signs
 * anyone in. (SMS pumping past each budget cap is covered by test/integration/sms-*.test.ts.)
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

  /** The n-th wrong code in a row: the generic answer, or at each LOCK_AFTER-th the page saying the factor is paused. */
  function expectWrongAnswer(answer: HttpResponse, n: number) {
    if (n % LOCK_AFTER === 0) expectPaused(answer);
    else expectRefused(answer, 'CODE_INVALID');
  }

  /** The paused page: a clear 429 saying until when, with no code form. */
  function expectPaused(page: HttpResponse) {
    expectRefused(page, 'FACTOR_PAUSED');
    expect(page.text).toMatch(/again <strong data-countdown="\d+">in \d+ (?:seconds?|minutes?)<\/strong>, at <time datetime="[^"]+" data-local-time>\d\d:\d\d UTC<\/time>/);
    expect(page.text).not.toContain('autocomplete="one-time-code"');
  }

  /** A fresh sign-in while paused: the page says so; the right code posted anyway is not checked and signs nobody in. */
  async function expectLockedOut(account: { email: string }, rightCode: string) {
    const { session, page } = await afterPassword(w, account.email);
    expectPaused(page);
    const uid = uidOf(page.url);
    const answer = await session.submitForm(`${w.idp.issuer}/interaction/${uid}/totp`, { csrf: hiddenField(page.text, 'csrf'), code: rightCode });
    expectPaused(answer);
    expect(providerResultOf(await w.idp.app.Interaction.find(uid))).toBeUndefined();
    expect(await hasSession(w, session)).toBe(false);
  }

  test('five wrong authenticator codes over five sign-ins pause the factor: the right code is not checked, then accepted after the pause; the next round pauses longer', async () => {
    const account = await totpAccount(w);
    for (let i = 1; i <= LOCK_AFTER; i += 1) {
      const { answer } = await signInWithCode(account, wrongCode(account.key));
      expectWrongAnswer(answer, i);
    }
    expect(await failures(account.id, 'totp')).toBe(LOCK_AFTER);

    clock.advance(STEP_MS);
    await expectLockedOut(account, codeFor(account.key, clock));
    // The refused right code was not even checked: it does not count as a sixth failure.
    expect(await failures(account.id, 'totp')).toBe(LOCK_AFTER);

    // The first pause is a minute. A right code then works, and clears the count.
    clock.advance(61_000);
    expect(isCallback((await signInWithCode(account, codeFor(account.key, clock))).answer)).toBe(true);
    expect(await failures(account.id, 'totp')).toBe(0);
  });

  test('a pause that has run out starts the next round where the last one ended: five more wrong codes pause for two minutes', async () => {
    const account = await totpAccount(w);
    for (let round = 1; round <= 2; round += 1) {
      for (let i = 1; i <= LOCK_AFTER; i += 1) expectWrongAnswer((await signInWithCode(account, wrongCode(account.key))).answer, i);
      if (round === 1) clock.advance(61_000); // the first pause runs out, the count stays
    }
    expect(await failures(account.id, 'totp')).toBe(2 * LOCK_AFTER);
    clock.advance(61_000);
    await expectLockedOut(account, codeFor(account.key, clock));
    clock.advance(60_000);
    expect(isCallback((await signInWithCode(account, codeFor(account.key, clock))).answer)).toBe(true);
  });

  test('the pause holds whatever the code is sent through: the backup code is counted on its own, and five wrong ones pause it too', async () => {
    const account = await totpAccount(w);
    const backupForm = async () => {
      const { session, page } = await afterPassword(w, account.email);
      const uid = uidOf(page.url);
      const form = await session.get(`${w.idp.issuer}/interaction/${uid}/backup-code`);
      // Posted straight to the route, as a page from before the pause (another tab) would.
      return { session, uid, form, send: (code: string) => session.submitForm(`${w.idp.issuer}/interaction/${uid}/backup-code`, { csrf: hiddenField(form.text, 'csrf'), code }) };
    };
    for (let i = 1; i <= LOCK_AFTER; i += 1) {
      const answer = await (await backupForm()).send('AAAA-AAAA-AAAA-AAAA');
      if (i === LOCK_AFTER) expectRefused(answer, 'FACTOR_PAUSED');
      else expectRefused(answer, 'CODE_INVALID');
    }
    const before = await w.store.mfa.get(account.id);
    const last = await backupForm();
    expectRefused(last.form, 'FACTOR_PAUSED');
    // The ways on from a paused backup code: the account's method.
    expect(last.form.text).toContain('>Use authenticator app</a>');
    expectRefused(await last.send(account.backupCode), 'FACTOR_PAUSED');
    // Not spent by the refused attempt, and no sign-in resulted.
    expect((await w.store.mfa.get(account.id))?.backupCodeHash).toBe(before?.backupCodeHash);
    expect(providerResultOf(await w.idp.app.Interaction.find(last.uid))).toBeUndefined();
    expect(await hasSession(w, last.session)).toBe(false);
    clock.advance(61_000);
    expect(textOf((await (await backupForm()).send(account.backupCode)).text, 'backup-code')).not.toBe(account.backupCode);
  });

  test('five wrong texted codes over five sign-ins (a new code texted each time) pause the factor: nothing more is texted, and the right code is not checked', async () => {
    const account = await smsAccount(w);
    const outbox = w.idp.config.sms.outboxFile!;
    const texts = () => readOutbox(outbox).filter((message) => message.to === account.phone).length;
    const atSmsChallenge = async () => {
      clock.advance(31_000); // past the resend cooldown: each sign-in texts a new code
      const { session, page } = await afterPassword(w, account.email);
      return { session, page, uid: uidOf(page.url) };
    };
    for (let i = 1; i <= LOCK_AFTER; i += 1) {
      const { session, page } = await atSmsChallenge();
      expect(page.text).toContain('autocomplete="one-time-code"');
      const right = latestCode(outbox, account.phone);
      expectWrongAnswer(await session.submitForm(formAction(page.text, '/sms', w.idp.issuer), { csrf: hiddenField(page.text, 'csrf'), code: right === '000000' ? '000001' : '000000' }), i);
    }
    expect(await failures(account.id, 'sms')).toBe(LOCK_AFTER);
    const sent = texts();
    const { session, page, uid } = await atSmsChallenge();
    expectPaused(page);
    // Nothing is texted to a paused method: not on the page's first view, not on Resend.
    const resend = await session.submitForm(`${w.idp.issuer}/interaction/${uid}/sms/send`, { csrf: hiddenField(page.text, 'csrf') });
    expectPaused(resend);
    expect(texts()).toBe(sent);
    expectPaused(await session.submitForm(`${w.idp.issuer}/interaction/${uid}/sms`, { csrf: hiddenField(page.text, 'csrf'), code: latestCode(outbox, account.phone) }));
    expect(providerResultOf(await w.idp.app.Interaction.find(uid))).toBeUndefined();
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
