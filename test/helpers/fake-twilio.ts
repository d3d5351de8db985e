import { randomBytes, randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

export interface FakeTwilioRequest {
  method: string;
  /** The host the SDK addressed (api.twilio.com or verify.twilio.com), before the client redirected it here. */
  host: string | undefined;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

export interface FakeVerification { sid: string; serviceSid: string; code: string; sends: number; checks: number }

export interface FakeTwilio {
  origin: string;
  requests: FakeTwilioRequest[];
  /** Pending Verify verifications by number, as Twilio keeps them. */
  verifications: ReadonlyMap<string, FakeVerification>;
  /** Pass as the SDK's `httpClient`: the SDK's own auth header and form encoding reach the fake. */
  httpClient: twilio.RequestClient;
  failNext(status: number, twilioCode: number, message: string): void;
  /** The next request gets no answer at all, to exercise the client's timeout. */
  hangNext(): void;
  lastVerifyCode(to: string): string | undefined;
  /** What Twilio does when the 10 minutes are up: the verification is gone. */
  expireVerification(to: string): void;
  close(): Promise<void>;
}

/** Sends the SDK's requests to the fake: same path, query, headers and body; only the origin changes. */
class RedirectingRequestClient extends twilio.RequestClient {
  readonly origin: string;

  constructor(origin: string, timeout: number) {
    super({ timeout });
    this.origin = origin;
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const target = new URL(opts.uri);
    const headers = { ...opts.headers, 'X-Fake-Twilio-Host': target.host };
    return super.request({ ...opts, headers, uri: `${this.origin}${target.pathname}${target.search}` });
  }
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;
/** The 2010 API dates in RFC 2822 form, as Twilio writes them. */
const rfc2822 = () => new Date().toUTCString().replace('GMT', '+0000');
const twilioError = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/** A local stand-in for the three Twilio endpoints we call, on 127.0.0.1 and a free port. */
export async function startFakeTwilio(options: { timeoutMs?: number } = {}): Promise<FakeTwilio> {
  const requests: FakeTwilioRequest[] = [];
  const verifications = new Map<string, FakeVerification>();
  const failures: { status: number; body: object }[] = [];
  let hang = false;

  function route(req: FakeTwilioRequest): { status: number; body: object } {
    const accountSid = Buffer.from((req.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':')[0] ?? '';
    if (!req.authorization?.startsWith('Basic ')) return { status: 401, body: twilioError(401, 20003, 'Authenticate') };
    const { form } = req;
    const to = form.To ?? '';
    let match = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\.json$/.exec(req.path);
    if (req.method === 'POST' && match) {
      if (!form.From && !form.MessagingServiceSid) return { status: 400, body: twilioError(400, 21603, "A 'From' phone number is required.") };
      if (!form.Body) return { status: 400, body: twilioError(400, 21619, 'A text message body or media urls must be specified.') };
      const messageSid = sid('SM');
      const uri = `/2010-04-01/Accounts/${match[1]}/Messages/${messageSid}`;
      const body = {
        account_sid: match[1], api_version: '2010-04-01', body: form.Body, date_created: rfc2822(), date_sent: null, date_updated: rfc2822(),
        direction: 'outbound-api', error_code: null, error_message: null, from: form.From ?? null, messaging_service_sid: form.MessagingServiceSid ?? null,
        num_media: '0', num_segments: '1', price: null, price_unit: 'USD', sid: messageSid,
        // With only a Messaging Service, Twilio answers "accepted" until it has picked a sender.
        status: form.From ? 'queued' : 'accepted', subresource_uris: { media: `${uri}/Media.json` }, to, uri: `${uri}.json`,
      };
      return { status: 201, body };
    }
    match = /^\/v2\/Services\/(VA\w+)\/(Verifications|VerificationCheck)$/.exec(req.path);
    if (req.method === 'POST' && match) {
      const serviceSid = match[1]!;
      const now = new Date().toISOString();
      const common = { service_sid: serviceSid, account_sid: accountSid, to, channel: 'sms', amount: null, payee: null, date_created: now, date_updated: now };
      let v = verifications.get(to);
      if (match[2] === 'Verifications') {
        // Within the validity window Twilio re-sends the same code, five sends at most (60203).
        if (v && v.sends >= 5) return { status: 429, body: twilioError(429, 60203, 'Max send attempts reached') };
        v ??= { sid: sid('VE'), serviceSid, code: String(randomInt(0, 1_000_000)).padStart(6, '0'), sends: 0, checks: 0 };
        v.sends += 1;
        verifications.set(to, v);
        const attempts = Array.from({ length: v.sends }, () => ({ attempt_sid: sid('VL'), channel: 'sms', time: now }));
        return { status: 201, body: { sid: v.sid, ...common, status: 'pending', valid: false, lookup: {}, send_code_attempts: attempts, sna: null, url: `https://verify.twilio.com/v2/Services/${serviceSid}/Verifications/${v.sid}` } };
      }
      if (!v || v.serviceSid !== serviceSid) return { status: 404, body: twilioError(404, 20404, `The requested resource ${req.path} was not found`) };
      if (v.checks >= 5) return { status: 429, body: twilioError(429, 60202, 'Max check attempts reached') };
      v.checks += 1;
      const approved = form.Code === v.code;
      if (approved) verifications.delete(to); // Twilio deletes an approved verification.
      return { status: 200, body: { sid: v.sid, ...common, status: approved ? 'approved' : 'pending', valid: approved, sna_attempts_error_codes: [] } };
    }
    return { status: 404, body: twilioError(404, 20404, `The requested resource ${req.path} was not found`) };
  }

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { raw += chunk; });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const header = (name: string) => { const v = req.headers[name]; return Array.isArray(v) ? v[0] : v; };
      const recorded: FakeTwilioRequest = {
        method: req.method ?? '', host: header('x-fake-twilio-host'), path: url.pathname,
        authorization: header('authorization'), contentType: header('content-type'), form: Object.fromEntries(new URLSearchParams(raw)),
      };
      requests.push(recorded);
      if (hang) { hang = false; return; }
      const { status, body } = failures.shift() ?? route(recorded);
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;

  return {
    origin,
    requests,
    verifications,
    httpClient: new RedirectingRequestClient(origin, options.timeoutMs ?? 2000),
    failNext: (status, twilioCode, message) => { failures.push({ status, body: twilioError(status, twilioCode, message) }); },
    hangNext: () => { hang = true; },
    lastVerifyCode: (to) => verifications.get(to)?.code,
    expireVerification: (to) => { verifications.delete(to); },
    close() {
      // Keep-alive sockets (the SDK sends Connection: keep-alive) and hung requests would hold close() open.
      closed ??= new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      return closed;
    },
  };
}
