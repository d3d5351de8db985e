import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { createOutboxSender } from '../../../src/factors/sms/outbox-sender.ts';
import { maskPhone, parseMobileNumber } from '../../../src/factors/sms/phone-number.ts';
import { SmsSendError } from '../../../src/factors/sms/sms-provider.ts';
import { createTwilioSender } from '../../../src/factors/sms/twilio-sender.ts';
import { TWILIO_TIMEOUT_MS, twilioClient } from '../../../src/factors/sms/twilio-client.ts';
import { createTwilioVerify } from '../../../src/factors/sms/twilio-verify.ts';
import type { Logger } from '../../../src/log.ts';
import { startFakeTwilio, type FakeTwilio } from '../../helpers/fake-twilio.ts';

// Shaped like real SIDs (two letters, 32 hex digits); the SDK refuses an account SID without AC.
const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'fake-auth-token-0123456789abcdef';
const serviceSid = 'VA0123456789abcdef0123456789abcdef';
const messagingServiceSid = 'MG0123456789abcdef0123456789abcdef';
const basicAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
const to = '+447400123456';
const body = '493817 is your Example code.\n\n@id.example.com #493817';

let fake: FakeTwilio;
beforeEach(async () => { fake = await startFakeTwilio(); });
afterEach(() => fake.close());

const sender = (extra: { from?: string; messagingServiceSid?: string } = { from: '+15005550006' }) =>
  createTwilioSender({ accountSid, authToken, httpClient: fake.httpClient, ...extra });
const verify = () => createTwilioVerify({ accountSid, authToken, serviceSid, httpClient: fake.httpClient });

async function sendError(promise: Promise<unknown>): Promise<SmsSendError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SmsSendError);
  return error as SmsSendError;
}

describe('Programmable Messaging through the real SDK', () => {
  test.each([
    ['from', { from: '+15005550006' }, { From: '+15005550006' }],
    ['messagingServiceSid', { messagingServiceSid }, { MessagingServiceSid: messagingServiceSid }],
  ])('with %s: one form POST to Messages.json with Basic auth', async (_label, options, senderField) => {
    await sender(options).deliver({ to, body });
    expect(fake.requests).toEqual([{
      method: 'POST', host: 'api.twilio.com', path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
      authorization: basicAuth, contentType: 'application/x-www-form-urlencoded', form: { To: to, Body: body, ...senderField },
    }]);
  });

  test('needs exactly one of from and messagingServiceSid, at creation', () => {
    expect(() => createTwilioSender({ accountSid, authToken })).toThrow(/exactly one/);
    expect(() => createTwilioSender({ accountSid, authToken, from: '+15005550006', messagingServiceSid })).toThrow(/exactly one/);
    expect(() => createTwilioSender({ accountSid, authToken, from: null, messagingServiceSid: null })).toThrow(/exactly one/);
  });

  test.each([
    [400, 21211, "The 'To' number +447400123456 is not a valid phone number."],
    [429, 20429, 'Too Many Requests'],
    [500, 20500, 'Internal Server Error'],
  ])('HTTP %i with Twilio error %i → SmsSendError with both, naming no number, body or code', async (status, code, message) => {
    fake.failNext(status, code, message);
    const error = await sendError(sender().deliver({ to, body }));
    expect({ status: error.status, providerCode: error.providerCode }).toEqual({ status, providerCode: code });
    expect(error.message).toBe(`Twilio Messages request failed: HTTP ${status}, Twilio error ${code}`);
    for (const secret of [body, '493817', to]) expect(error.message).not.toContain(secret);
    // The SDK does not retry, not even the 429 (autoRetry is off).
    expect(fake.requests).toHaveLength(1);
  });

  test('a network failure (nothing listening) → SmsSendError with no status or provider code', async () => {
    await fake.close();
    const error = await sendError(sender().deliver({ to, body }));
    expect({ status: error.status, providerCode: error.providerCode }).toEqual({ status: undefined, providerCode: undefined });
    expect(error.message).toMatch(/^Twilio Messages request failed: network error \(E[A-Z]+\)$/);
    expect(error.cause).toBeUndefined();
  });

  test('no answer → SmsSendError once the client timeout passes', async () => {
    const slow = await startFakeTwilio({ timeoutMs: 200 });
    try {
      slow.hangNext();
      const started = Date.now();
      const send = createTwilioSender({ accountSid, authToken, from: '+15005550006', httpClient: slow.httpClient }).deliver({ to, body });
      const error = await sendError(send);
      expect(error.message).toBe('Twilio Messages request failed: network error (ECONNABORTED)');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await slow.close();
    }
  });

  test('the client the SDK builds for us times out after TWILIO_TIMEOUT_MS, and does not retry', () => {
    const { httpClient } = twilioClient({ accountSid, authToken });
    expect(httpClient.defaultTimeout).toBe(TWILIO_TIMEOUT_MS);
    expect(httpClient.autoRetry).toBe(false);
  });
});

describe('Twilio Verify through the real SDK', () => {
  test('start: a form POST to Verifications with To and Channel=sms', async () => {
    await verify().start(to);
    expect(fake.requests).toEqual([{
      method: 'POST', host: 'verify.twilio.com', path: `/v2/Services/${serviceSid}/Verifications`,
      authorization: basicAuth, contentType: 'application/x-www-form-urlencoded', form: { To: to, Channel: 'sms' },
    }]);
  });

  test('check: the right code → true, once; VerificationCheck gets To and Code', async () => {
    const service = verify();
    await service.start(to);
    const code = fake.lastVerifyCode(to)!;
    await expect(service.check(to, code)).resolves.toBe(true);
    expect(fake.requests[1]).toEqual({
      method: 'POST', host: 'verify.twilio.com', path: `/v2/Services/${serviceSid}/VerificationCheck`,
      authorization: basicAuth, contentType: 'application/x-www-form-urlencoded', form: { To: to, Code: code },
    });
    // Approved verifications are deleted: the same code again is a 404, i.e. false.
    await expect(service.check(to, code)).resolves.toBe(false);
  });

  test('a wrong code → false (Twilio answers 200 "pending"), and the right one still works after', async () => {
    const service = verify();
    await service.start(to);
    const code = fake.lastVerifyCode(to)!;
    const wrong = code === '000000' ? '111111' : '000000';
    await expect(service.check(to, wrong)).resolves.toBe(false);
    await expect(service.check(to, code)).resolves.toBe(true);
  });

  test('unknown or expired (404, Twilio 20404) → false', async () => {
    const service = verify();
    await expect(service.check('+447400999999', '123456')).resolves.toBe(false);
    await service.start(to);
    const code = fake.lastVerifyCode(to)!;
    fake.expireVerification(to);
    await expect(service.check(to, code)).resolves.toBe(false);
    expect(fake.requests.map((r) => r.path)).toContain(`/v2/Services/${serviceSid}/VerificationCheck`);
  });

  test('max check attempts (429, Twilio 60202) → false, even for the right code', async () => {
    const service = verify();
    await service.start(to);
    const code = fake.lastVerifyCode(to)!;
    for (let i = 0; i < 5; i += 1) await expect(service.check(to, code === '000000' ? '111111' : '000000')).resolves.toBe(false);
    await expect(service.check(to, code)).resolves.toBe(false);
  });

  test('a code that cannot be a Verify code (not 4–10 digits) → false without a request', async () => {
    await expect(verify().check(to, '12ab56')).resolves.toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  test('other failures → SmsSendError: start refused (60200, 400), check on a 500', async () => {
    fake.failNext(400, 60200, 'Invalid parameter `To`: +447400123456');
    const startError = await sendError(verify().start(to));
    expect({ status: startError.status, providerCode: startError.providerCode }).toEqual({ status: 400, providerCode: 60200 });
    expect(startError.message).not.toContain(to);
    await verify().start(to);
    const code = fake.lastVerifyCode(to)!;
    fake.failNext(500, 20500, 'Internal Server Error');
    const checkError = await sendError(verify().check(to, code));
    expect(checkError).toMatchObject({ status: 500, providerCode: 20500 });
    expect(checkError.message).not.toContain(code);
  });

  test('a network failure on check → SmsSendError, not false', async () => {
    await fake.close();
    const error = await sendError(verify().check(to, '123456'));
    expect(error.message).toMatch(/^Twilio Verify check failed: network error/);
  });
});

describe('outbox sender', () => {
  test('appends one JSON line per message to a 0600 file in a new directory, and logs only the path', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sms-outbox-')), 'nested', 'outbox.jsonl');
    const logged: unknown[] = [];
    const log: Logger = { info: (...args) => logged.push(args), warn: (...args) => logged.push(args), error: (...args) => logged.push(args) };
    const outbox = createOutboxSender({ file, log });
    await outbox.deliver({ to, body });
    await outbox.deliver({ to: '+4915123456789', body: 'second' });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    expect(lines).toEqual([{ to, body, at: expect.any(String) }, { to: '+4915123456789', body: 'second', at: expect.any(String) }]);
    expect(new Date(lines[0]!.at!).toISOString()).toBe(lines[0]!.at);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(logged).toEqual([['sms.outbox.written', { file }], ['sms.outbox.written', { file }]]);
    expect(JSON.stringify(logged)).not.toContain('493817');
  });

  test('a file it cannot write → SmsSendError', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sms-outbox-'));
    mkdirSync(path.join(dir, 'taken'));
    const error = await sendError(createOutboxSender({ file: path.join(dir, 'taken'), log: { info() {}, warn() {}, error() {} } }).deliver({ to, body }));
    expect(error.message).toBe('outbox write failed (EISDIR)');
  });
});

describe('parseMobileNumber', () => {
  // libphonenumber's own mobile examples, so the table does not rest on guessed numbers.
  const example = (country: CountryCode) => getExampleNumber(country, examples)!;

  test.each([
    ['a US number (FIXED_LINE_OR_MOBILE in NANP metadata)', '+1 201 555 0123', '+12015550123', 'US'],
    ['a US number with brackets and dashes', '+1 (201) 555-0123', '+12015550123', 'US'],
    ['a GB mobile', '+44 7400 123456', '+447400123456', 'GB'],
    ['a GB mobile with the national 0 in brackets', '+44 (0)7400 123456', '+447400123456', 'GB'],
    ['the DE example mobile', example('DE').formatInternational(), example('DE').number, 'DE'],
    ['the FR example mobile', example('FR').formatInternational(), example('FR').number, 'FR'],
    ['the IN example mobile', example('IN').formatInternational(), example('IN').number, 'IN'],
    ['surrounding spaces', '  +447400123456 ', '+447400123456', 'GB'],
  ])('%s: %s → %s', (_label, input, e164, country) => {
    expect(parseMobileNumber(input, null)).toEqual({ ok: true, e164, country });
  });

  test.each([
    ['a GB landline', '+44 20 7946 0018', null, 'PHONE_NOT_MOBILE'],
    ['a US toll-free number', '+1 800 555 0123', null, 'PHONE_NOT_MOBILE'],
    ['an international freephone number (no country)', '+800 1234 5678', null, 'PHONE_NOT_MOBILE'],
    ['words', 'call me maybe', null, 'PHONE_INVALID'],
    ['empty', '', null, 'PHONE_INVALID'],
    ['no + and country code', '07400 123456', null, 'PHONE_INVALID'],
    ['an extension', '+1 201 555 0123 ext. 5', null, 'PHONE_INVALID'],
    ['a digit short', '+44 7400 12345', null, 'PHONE_INVALID'],
    ['an unassigned country code', '+999 1234567', null, 'PHONE_INVALID'],
    ['33 characters', `+447400123456${' '.repeat(20)}`, null, 'PHONE_INVALID'],
    ['a DE mobile when only US and GB are allowed', '+49 1512 3456789', ['US', 'GB'], 'PHONE_COUNTRY_NOT_ALLOWED'],
    ['a GB landline when only US is allowed', '+44 20 7946 0018', ['US'], 'PHONE_COUNTRY_NOT_ALLOWED'],
  ] as const)('%s: %j (allowed: %j) → %s', (_label, input, allowed, code) => {
    expect(parseMobileNumber(input, allowed)).toEqual({ ok: false, code });
  });

  test('32 characters is still accepted, and an allowed country passes', () => {
    expect(parseMobileNumber(`+447400123456${' '.repeat(19)}`, ['US', 'GB'])).toEqual({ ok: true, e164: '+447400123456', country: 'GB' });
  });
});

describe('maskPhone', () => {
  test.each([
    ['+12015551234', '+1\u00a0•••\u00a0•••\u00a01234'],
    ['+442079460123', '+44\u00a0•••\u00a0•••\u00a00123'],
    ['+447400123456', '+44\u00a0•••\u00a0•••\u00a03456'],
    ['+4915123456789', '+49\u00a0•••\u00a0•••\u00a06789'],
    ['+918123456789', '+91\u00a0•••\u00a0•••\u00a06789'],
    // Niue's numbers are 4 digits: at most half is shown, never the whole number.
    ['+6834002', '+683\u00a0•••\u00a0•••\u00a002'],
  ])('%s → %s', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
    const shownDigits = masked.split(/\s/).slice(1).join('').replace(/\D/g, '');
    expect(shownDigits.length).toBeLessThanOrEqual(4);
  });
});
