import type { SmsCodeSender } from './sms-provider.ts';
import { toSmsSendError, twilioClient } from './twilio-client.ts';
import type { TwilioCredentials } from './twilio-credentials.ts';

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
