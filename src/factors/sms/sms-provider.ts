/** Delivers a code we made (Programmable Messaging, or the development outbox). */
export interface SmsCodeSender {
  readonly kind: 'twilio' | 'outbox';
  deliver(message: { to: string; body: string }): Promise<void>;
}

/** Twilio Verify: Twilio makes, sends and checks the code. */
export interface SmsVerifyService {
  readonly kind: 'twilio-verify';
  /**
   * `locale`: the language Twilio writes its message in (its Verify `Locale`), given only when the
   * person's language is known not to be English; left out, Twilio picks by the number's country.
   */
  start(to: string, locale?: string): Promise<void>;
  /** True only for the right code of a pending verification; false for a wrong, expired or used-up one. */
  check(to: string, code: string): Promise<boolean>;
}

export type SmsProvider = SmsCodeSender | SmsVerifyService;

/**
 * A send that did not happen: network error, Twilio 4xx/5xx, invalid number. `providerCode` is
 * Twilio's error code (e.g. 21211) when there is one; never includes the message body or the code.
 * It keeps no `cause` on purpose: the SDK's network errors are axios errors whose `config.data`
 * holds the form we posted, i.e. the message body with the code in it.
 */
export class SmsSendError extends Error {
  readonly providerCode: number | undefined;
  readonly status: number | undefined;

  constructor(message: string, details: { providerCode?: number | undefined; status?: number | undefined } = {}) {
    super(message);
    this.name = 'SmsSendError';
    this.providerCode = details.providerCode;
    this.status = details.status;
  }
}
