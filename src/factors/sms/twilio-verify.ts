import type { SmsVerifyService } from './sms-provider.ts';
import { toSmsSendError, twilioClient } from './twilio-client.ts';
import type { TwilioCredentials } from './twilio-credentials.ts';

export interface TwilioVerifyOptions extends TwilioCredentials {
  /** VA…: the Verify Service, whose settings (code length, expiry, template) Twilio applies. */
  serviceSid: string;
}

/**
 * Twilio Verify error 60202, "Max check attempts reached" (HTTP 429): the verification took five
 * wrong codes and is spent. https://www.twilio.com/docs/api/errors/60202
 */
const MAX_CHECK_ATTEMPTS = 60202;

/**
 * A Verify Service's code_length is "an integer value between 4 and 10, inclusive" (Verify v2
 * Service resource; twilio/lib/rest/verify/v2/service.d.ts). Anything else cannot be right, so it
 * is refused here without spending a request or one of the verification's five checks.
 */
const VERIFY_CODE = /^\d{4,10}$/;

/**
 * Twilio Verify: POST https://verify.twilio.com/v2/Services/{ServiceSid}/Verifications (To, Channel)
 * to send, and /v2/Services/{ServiceSid}/VerificationCheck (To, Code) to check. Twilio makes the
 * code and keeps it 10 minutes by default; start() again within that time re-sends the same code,
 * and a sixth start within it fails with 60203 (https://www.twilio.com/docs/verify/api/rate-limits-and-timeouts).
 */
export function createTwilioVerify(options: TwilioVerifyOptions): SmsVerifyService {
  const service = twilioClient(options).verify.v2.services(options.serviceSid);
  return {
    kind: 'twilio-verify',
    async start(to, locale) {
      try {
        await service.verifications.create({ to, channel: 'sms', ...(locale ? { locale } : {}) });
      } catch (error) {
        throw toSmsSendError('Twilio Verify start', error);
      }
    },
    async check(to, code) {
      if (!VERIFY_CODE.test(code)) return false;
      try {
        // A wrong code is a 200 with status "pending"; the right one turns it "approved".
        const result = await service.verificationChecks.create({ to, code });
        return result.status === 'approved';
      } catch (error) {
        const failure = toSmsSendError('Twilio Verify check', error);
        // 404 (Twilio 20404): no pending verification for this number. Twilio deletes one when it
        // expires, is approved or runs out of checks. Like 60202, that is a wrong answer, not an outage.
        if (failure.status === 404 || failure.providerCode === MAX_CHECK_ATTEMPTS) return false;
        throw failure;
      }
    },
  };
}
