import { en } from './i18n/messages/en.ts';
import { t } from './i18n/translate.ts';

/**
 * Stable error codes (UPPER_SNAKE), kept apart from their wording: tests, logs and JSON
 * answers use the code; people read the message, in their language, from the catalogues
 * (i18n/messages/: `errors.<CODE>.title` and `errors.<CODE>.message`).
 */
const STATUS = {
  INVALID_CREDENTIALS: 400,
  TOO_MANY_ATTEMPTS: 429,
  EMAIL_REQUIRED: 400,
  EMAIL_INVALID: 400,
  EMAIL_TOO_LONG: 400,
  EMAIL_TAKEN: 409,
  EMAIL_INVISIBLE_CHARACTERS: 400,
  EMAIL_LOOKS_TAKEN: 409,
  PASSWORD_REQUIRED: 400,
  PASSWORD_TOO_SHORT: 400,
  PASSWORD_TOO_LONG: 400,
  PASSWORD_TOO_COMMON: 400,
  PASSWORDS_DIFFERENT: 400,
  RESET_LINK_INVALID: 400,
  RESET_TOO_MANY: 429,
  CODE_INVALID: 400,
  CODE_REQUIRED: 400,
  FACTOR_PAUSED: 429,
  FACTOR_LOCKED: 403,
  PASSKEY_FAILED: 400,
  PASSKEY_RESPONSE_REQUIRED: 400,
  PASSKEY_NAME_INVALID: 400,
  PASSKEY_REQUIRED: 403,
  HARDWARE_PASSKEY_REQUIRED: 403,
  NOT_SIGNED_IN: 401,
  REAUTH_REQUIRED: 403,
  SETUP_EXPIRED: 400,
  MFA_NOT_ENABLED: 400,
  SMS_COOLDOWN: 429,
  SMS_ACCOUNT_CAP: 429,
  SMS_NUMBER_CAP: 429,
  SMS_IP_CAP: 429,
  SMS_UNAVAILABLE: 503,
  SMS_SEND_FAILED: 503,
  PHONE_INVALID: 400,
  PHONE_NOT_MOBILE: 400,
  PHONE_COUNTRY_NOT_ALLOWED: 400,
  BACKUP_CODE_CHANGED: 409,
  METHOD_NOT_FOUND: 404,
  METHOD_EXISTS: 409,
  DEVICE_NOT_FOUND: 404,
  GRANT_NOT_FOUND: 404,
  MFA_REQUIRED_BY_POLICY: 403,
  CSRF_FAILED: 403,
  ORIGIN_REJECTED: 403,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MALFORMED_BODY: 400,
  INTERACTION_EXPIRED: 400,
  MFA_SET_UP_FIRST: 403,
  SIGN_IN_UNDER_WAY: 409,
  WRONG_STEP: 400,
  MISDIRECTED_REQUEST: 421,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof STATUS;

/**
 * Each code's status and its English message (for logs, and the tests that read the reference
 * wording); a page shows errorMessage(code), in the request's language. A code without wording
 * in the catalogue does not compile.
 */
export const ERRORS = Object.fromEntries(
  (Object.keys(STATUS) as ErrorCode[]).map((code) => [code, { status: STATUS[code], message: en[`errors.${code}.message`] }]),
) as { readonly [C in ErrorCode]: { readonly status: (typeof STATUS)[C]; readonly message: string } };

/** What to do about `code`, in the language of the request being answered. */
export function errorMessage(code: ErrorCode): string {
  return t(`errors.${code}.message`);
}

/** An expected failure with a stable code; rendered as a 4xx/5xx page or JSON, never a stack trace. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The way on, shown under the message on the error page (never in JSON answers' wording). */
  readonly link: { href: string; text: string } | undefined;

  constructor(code: ErrorCode, options?: { cause?: unknown; link?: { href: string; text: string } }) {
    super(ERRORS[code].message, options);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.link = options?.link;
  }
}

export function assertThat(condition: unknown, code: ErrorCode): asserts condition {
  if (!condition) throw new AppError(code);
}
