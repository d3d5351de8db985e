import { performance } from 'node:perf_hooks';
import { recordingLogger } from '../helpers/abuse.ts';
import { abuseConfig, nextEmail, plainAccount } from '../helpers/abuse-accounts.ts';
import { hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { describeGroup, lookAlike } from '../helpers/response-times.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';

/**
 * Account enumeration at "Forgot password?": a known and an unknown address get the same answer
 * (byte for byte, once the CSRF token is blanked) and take about the same time, because the mail
 * leaves after the answer. Both stores, real SMTP, from a slow mail server (it takes
 * MAIL_SERVER_MS to accept each mail), so a mail sent before the answer would show in its time.
 */

/** How long the test's mail server takes to accept a mail: far more than a whole answer takes here. */
const MAIL_SERVER_MS = 150;
describe.each(STORE_KINDS)('"Forgot password?" tells nothing about accounts on %s', (kind) => {
  let smtp: SmtpCatcher;
  const log = recordingLogger();
  const w = useIdpWorld(kind, {
    log,
    config: async () => {
      smtp = await startSmtpCatcher({ acceptDelayMs: MAIL_SERVER_MS });
      return abuseConfig({
        mail: { transport: 'smtp', smtpUrl: smtp.url, from: 'no-reply@example.com', outboxFile: null },
        passwordReset: { perAccountPerHour: 3, perIpPerHour: 100_000 },
      });
    },
  });
  afterAll(() => smtp.close());

  async function ask(email: string): Promise<{ post: HttpResponse; page: HttpResponse; ms: number }> {
    const browser = new HttpSession();
    const form = await browser.get(`${w.idp.issuer}/account/password/forgot`);
    const started = performance.now();
    const post = await browser.postForm(`${w.idp.issuer}/account/password/forgot`, { csrf: hiddenField(form.text, 'csrf'), email });
    const ms = performance.now() - started;
    return { post, page: await browser.follow(post, w.idp.issuer), ms };
  }

  const headerNames = (response: HttpResponse) => [...response.headers.keys()].filter((name) => name !== 'date').sort();
  const comparable = ({ post, page }: { post: HttpResponse; page: HttpResponse }) => ({
    post: { status: post.status, location: post.location, headers: headerNames(post), cookies: post.headers.getSetCookie().length, body: post.text },
    page: { status: page.status, headers: headerNames(page), body: page.text },
  });

  test('known, unknown, over its limit, look-alike and odd addresses: the same answer; a mail only for the known one within its limit', async () => {
    const known = await plainAccount(w, 'known');
    const limited = await plainAccount(w, 'limited');
    for (let i = 0; i < 3; i += 1) await ask(limited.email);
    const answers = await Promise.all([known.email, nextEmail('nobody'), limited.email, known.email.replace('@', '\u200b@'), 'not an address', ` ${known.email.toUpperCase()} `].map(async (email) => comparable(await ask(email))));
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
    await smtp.waitFor(known.email, 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.to(known.email)).toHaveLength(2);
    expect(smtp.to(limited.email)).toHaveLength(3);
    expect(log.failures()).toEqual([]);
  });

  test('a known and an unknown address take about the same time (the mail is not in the answer)', async () => {
    const SAMPLES = 15;
    const WARM_UP = 3;
    const accounts = [];
    for (let i = 0; i < SAMPLES + WARM_UP; i += 1) accounts.push(await plainAccount(w, 'timed'));
    const times = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < SAMPLES + WARM_UP; i += 1) {
      for (const group of (i % 2 ? ['known', 'unknown'] : ['unknown', 'known']) as Array<keyof typeof times>) {
        const { ms, page } = await ask(group === 'known' ? accounts[i]!.email : nextEmail('nobody'));
        expect(page.status).toBe(200);
        if (i >= WARM_UP) times[group].push(ms);
      }
    }
    const report = `known: ${describeGroup(times.known)}; unknown: ${describeGroup(times.unknown)}`;
    expect({ alike: lookAlike(times.known, times.unknown), report }).toEqual({ alike: true, report });

    // Control: the mail really takes MAIL_SERVER_MS to go (so the answers above did not wait for
    // it), and answers that did wait for it are what the method tells apart.
    const probe = await plainAccount(w, 'timed-probe');
    const started = performance.now();
    const { ms } = await ask(probe.email);
    await smtp.waitFor(probe.email);
    const delivered = performance.now() - started;
    expect(delivered).toBeGreaterThanOrEqual(MAIL_SERVER_MS);
    // Answered while the mail was still on its way: had it waited, the answer would end at most a poll before the delivery.
    expect(ms).toBeLessThan(delivered - MAIL_SERVER_MS / 2);
    const waited = times.known.map((time) => time + MAIL_SERVER_MS);
    expect({ controlLooksAlike: lookAlike(waited, times.unknown), waited: describeGroup(waited), report })
      .toEqual({ controlLooksAlike: false, waited: describeGroup(waited), report });
  });
});
