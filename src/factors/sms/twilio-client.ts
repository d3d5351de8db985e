import twilio from 'twilio';
import { SmsSendError } from './sms-provider.ts';
import type { TwilioCredentials } from './twilio-credentials.ts';

/**
 * How long one Twilio API call may take. The SDK's default is 30 s (RequestClient DEFAULT_TIMEOUT),
 * used as both the axios request timeout and the https.Agent socket timeout; a person is waiting
 * on the sign-in page, so a dead network must fail fast and let them use a backup code instead.
 */
export const TWILIO_TIMEOUT_MS = 5000;

/**
 * A Twilio REST client. autoRetry stays off (the SDK default): retrying a 429 with backoff would
 * keep a sign-in waiting, and our own budget (src/guard/sms-budget.ts) decides when to try again.
 * Throws at once if accountSid does not start with AC (BaseTwilio.setAccountSid).
 */
export function twilioClient(credentials: TwilioCredentials): twilio.Twilio {
  return twilio(credentials.accountSid, credentials.authToken, {
    httpClient: credentials.httpClient as twilio.RequestClient | undefined,
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

