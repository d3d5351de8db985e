import twilio from 'twilio';
import { SmsSendError, type SmsCodeSender } from './sms-provider.ts';

/**
 * How long one Twilio API call may take. The SDK's default is 30 s (RequestClient DEFAULT_TIMEOUT),
 * used as both the axios request timeout and the https.Agent socket timeout; a person is waiting
 * on the sign-in page, so a dead network must fail fast and let them use a backup code instead.
 */
export const TWILIO_TIMEOUT_MS = 5000;

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /**
   * The SDK's HTTP client (tests pass one that talks to a local fake). The SDK only applies
   * `timeout` when it builds its own client (BaseTwilio's httpClient getter), so one passed in
   * must carry its own timeout.
   */
  httpClient?: twilio.RequestClient | undefined;
}

/**
 * A Twilio REST client. autoRetry stays off (the SDK default): retrying a 429 with backoff would
 * keep a sign-in waiting, and our own budget (src/guard/sms-budget.ts) decides when to try again.
 * Throws at once if accountSid does not start with AC (BaseTwilio.setAccountSid).
 */
export function twilioClient(credentials: TwilioCredentials): twilio.Twilio {
  return twilio(credentials.accountSid, credentials.authToken, {
    httpClient: credentials.httpClient,
    timeout: TWILIO_TIMEOUT_MS,
    autoRetry: false,
  });
}

/**
 * Any failure of an SDK call as an SmsSendError that names no number, body or code.
 * Non-2xx answers reject with RestException (legacy `{ code, message, more_info, status }` bodies)
 * or TwilioServiceException (RFC 9457 bodies): both carry the HTTP `status` and Twilio's numeric
 * `code`. Twilio's own `message` is left out because it can echo the number we sent to.
 * No answer at all (refused, reset, timed out) rejects with an axios error: no status, and a
 * string `code` such as ECONNREFUSED or ECONNABORTED (axios's code for its timeout).
 */
export function toSmsSendError(operation: string, error: unknown): SmsSendError {
  if (error instanceof SmsSendError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; code?: unknown; isAxiosError?: unknown };
  if (typeof e.status === 'number' && e.isAxiosError !== true) {
    // TwilioServiceException uses 0 for "no code".
    const providerCode = typeof e.code === 'number' && e.code !== 0 ? e.code : undefined;
    const suffix = providerCode === undefined ? '' : `, Twilio error ${providerCode}`;
    return new SmsSendError(`${operation} failed: HTTP ${e.status}${suffix}`, { status: e.status, providerCode });
  }
  const reason = typeof e.code === 'string' && /^[A-Z_]{1,40}$/.test(e.code) ? e.code : 'no response';
  return new SmsSendError(`${operation} failed: network error (${reason})`);
}

export interface TwilioSenderOptions extends TwilioCredentials {
  /** An E.164 number or alphanumeric sender id; exactly one of from and messagingServiceSid. */
  from?: string | null | undefined;
  /** MG…: Twilio picks the sender from the service's pool; exactly one of from and messagingServiceSid. */
  messagingServiceSid?: string | null | undefined;
}

/** Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json with To, Body and From or MessagingServiceSid. */
export function createTwilioSender(options: TwilioSenderOptions): SmsCodeSender {
  const from = options.from ?? undefined;
  const messagingServiceSid = options.messagingServiceSid ?? undefined;
  // Twilio would quietly prefer the Messaging Service if both came; refuse the ambiguity here.
  if ((from === undefined) === (messagingServiceSid === undefined)) {
    throw new Error('createTwilioSender needs exactly one of from and messagingServiceSid');
  }
  const client = twilioClient(options);
  const sender = from !== undefined ? { from } : { messagingServiceSid };
  return {
    kind: 'twilio',
    async deliver({ to, body }) {
      try {
        // A 201 means Twilio queued it (status queued, or accepted with a Messaging Service);
        // delivery itself is reported later, by status callback, which we do not use. A timeout
        // does not prove Twilio sent nothing; it is still reported as a failed send.
        await client.messages.create({ to, body, ...sender });
      } catch (error) {
        throw toSmsSendError('Twilio Messages request', error);
      }
    },
  };
}
