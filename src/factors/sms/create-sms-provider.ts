import type twilio from 'twilio';
import type { SmsSettings } from '../../config/sms-schema.ts';
import type { Logger } from '../../log.ts';
import { createOutboxSender } from './outbox-sender.ts';
import type { SmsProvider } from './sms-provider.ts';
import { createTwilioSender } from './twilio-sender.ts';
import { createTwilioVerify } from './twilio-verify.ts';

/** The sender sms.provider names; undefined when SMS is off. `httpClient` lets tests point the SDK at a fake. */
export function createSmsProvider(settings: SmsSettings, log: Logger, httpClient?: twilio.RequestClient): SmsProvider | undefined {
  switch (settings.provider) {
    case 'none':
      return undefined;
    case 'outbox':
      return createOutboxSender({ file: settings.outboxFile!, log });
    case 'twilio': {
      const { accountSid, authToken, from, messagingServiceSid } = settings.twilio!;
      return createTwilioSender({ accountSid, authToken, from, messagingServiceSid, httpClient });
    }
    case 'twilio-verify': {
      const { accountSid, authToken, verifyServiceSid } = settings.twilio!;
      return createTwilioVerify({ accountSid, authToken, serviceSid: verifyServiceSid!, httpClient });
    }
  }
}
