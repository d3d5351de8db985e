/**
 * Stable error codes (UPPER_SNAKE), kept apart from their wording: tests, logs and JSON
 * answers use the code; people read the message.
 */
export const ERRORS = {
  INVALID_CREDENTIALS: {
    status: 400,
    message: "We couldn't sign you in with that email and password. Check them and try again. After repeated failures, sign-in is paused for a while.",
  },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many sign-in attempts from your network. Wait a few minutes, then try again.' },
  EMAIL_REQUIRED: { status: 400, message: 'Enter your email address.' },
  EMAIL_INVALID: { status: 400, message: 'Enter an email address like name@example.com.' },
  EMAIL_TOO_LONG: { status: 400, message: 'Email addresses are at most 254 characters.' },
  EMAIL_TAKEN: { status: 409, message: 'An account with that email already exists.' },
  EMAIL_INVISIBLE_CHARACTERS: {
    status: 400,
    message: 'That email address contains invisible characters (such as zero-width spaces or direction marks). Type it again by hand.',
  },
  EMAIL_LOOKS_TAKEN: { status: 409, message: 'An account already exists with an email address that looks the same as this one.' },
  PASSWORD_REQUIRED: { status: 400, message: 'Enter your password.' },
  PASSWORD_TOO_SHORT: { status: 400, message: 'Passwords are at least 8 characters.' },
  PASSWORD_TOO_LONG: { status: 400, message: 'Passwords are at most 1024 characters.' },
  PASSWORD_TOO_COMMON: { status: 400, message: 'That password is one of the most common ones, which attackers try first. Choose another: a few unrelated words make a strong one.' },
  PASSWORDS_DIFFERENT: { status: 400, message: 'The two passwords are not the same. Type the new password twice.' },
  RESET_LINK_INVALID: {
    status: 400,
    message: 'This link has expired or was already used. Links work once, for 30 minutes, and only until the password changes. Ask for a new one.',
  },
  RESET_TOO_MANY: { status: 429, message: 'Too many password resets were asked for from your network. Wait an hour, then try again.' },
  CODE_INVALID: {
    status: 400,
    message: "That code didn't work. Check it and try again; after repeated failures, codes are paused for a while.",
  },
  CODE_REQUIRED: { status: 400, message: 'Enter the code.' },
  // Told only after the password passed (the person is the account's, or holds its password): a pause says when it ends.
  FACTOR_PAUSED: {
    status: 429,
    message: 'Too many wrong codes in a row, so this way of confirming it is you is paused for a while. Use another way, or try again when the pause ends.',
  },
  FACTOR_LOCKED: {
    status: 403,
    message: 'Too many wrong codes in a row, so this way of confirming it is you is locked until our support team unlocks it. Use another way, or contact support.',
  },
  PASSKEY_FAILED: {
    status: 400,
    message: "Your passkey couldn't be checked. Try again, or choose another way; after repeated failures, passkeys are paused for a while.",
  },
  PASSKEY_RESPONSE_REQUIRED: { status: 400, message: 'Use the button to let your device check your passkey. It needs JavaScript and a browser that supports passkeys.' },
  PASSKEY_NAME_INVALID: { status: 400, message: 'Give the passkey a name of 1 to 64 characters.' },
  PASSKEY_REQUIRED: {
    status: 403,
    message: 'This app asks for a passkey, which resists phishing. Add one on your Security page, then sign in to the app again.',
  },
  HARDWARE_PASSKEY_REQUIRED: {
    status: 403,
    message: 'This app asks for a passkey on a security key that this service can verify, such as one your organisation gave you. Add it on your Security page, then sign in to the app again.',
  },
  NOT_SIGNED_IN: { status: 401, message: 'You are not signed in. Sign in and try again.' },
  REAUTH_REQUIRED: { status: 403, message: 'For your security, confirm it is you: sign in again, then repeat the change.' },
  SETUP_EXPIRED: { status: 400, message: 'This setup has expired. Start again from the Security page.' },
  MFA_NOT_ENABLED: { status: 400, message: '2-step verification is not on for this account.' },
  SMS_COOLDOWN: { status: 429, message: 'A code was sent moments ago. Wait a little before asking for another one.' },
  SMS_ACCOUNT_CAP: { status: 429, message: 'Too many codes were sent to this account. Wait an hour, or use your backup code.' },
  SMS_NUMBER_CAP: { status: 429, message: 'Too many codes were sent to this number today. Try again tomorrow, or use your backup code.' },
  SMS_IP_CAP: { status: 429, message: 'Too many codes were asked for from your network. Wait an hour, or use your backup code.' },
  SMS_UNAVAILABLE: { status: 503, message: "Text messages can't be sent right now. Use your backup code instead, or try again later." },
  SMS_SEND_FAILED: { status: 503, message: "We couldn't send a code to your phone. Try again in a moment, or use your backup code." },
  PHONE_INVALID: { status: 400, message: 'Enter a mobile number with its country code, like +44 7400 123456.' },
  PHONE_NOT_MOBILE: { status: 400, message: 'That number is not a mobile number. Enter a number that can receive text messages.' },
  PHONE_COUNTRY_NOT_ALLOWED: { status: 400, message: "We can't send text messages to numbers in that country. Use an authenticator app instead." },
  BACKUP_CODE_CHANGED: { status: 409, message: 'Your backup code changed a moment ago (perhaps in another tab). Open the Security page to see where things stand.' },
  METHOD_NOT_FOUND: { status: 404, message: 'That method is not one of yours any more (perhaps it was removed in another tab).' },
  METHOD_EXISTS: { status: 409, message: 'That number is already one of your methods.' },
  DEVICE_NOT_FOUND: { status: 404, message: 'That device is not in your list of trusted devices any more.' },
  GRANT_NOT_FOUND: { status: 404, message: 'That app does not have access to your account (perhaps access was removed in another tab).' },
  MFA_REQUIRED_BY_POLICY: { status: 403, message: '2-step verification is required for every account here, so it cannot be turned off.' },
  CSRF_FAILED: { status: 403, message: 'This form has expired or did not come from this page. Go back, reload the page and try again.' },
  ORIGIN_REJECTED: { status: 403, message: 'This form was sent from another site, so it was refused.' },
  BODY_TOO_LARGE: { status: 413, message: 'What you sent is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Forms must be sent as application/x-www-form-urlencoded.' },
  MALFORMED_BODY: { status: 400, message: 'What you sent could not be read.' },
  INTERACTION_EXPIRED: {
    status: 400,
    message: 'This sign-in has expired or is no longer valid. Go back to the app you were signing in to and start again.',
  },
  MFA_SET_UP_FIRST: {
    status: 403,
    message: 'This app needs 2-step verification that was set up before you sign in. Set it up on your Security page, then sign in to the app again.',
  },
  SIGN_IN_UNDER_WAY: {
    status: 409,
    message: 'A password was already accepted in this sign-in. Continue with the next step, or cancel and start again from the app.',
  },
  WRONG_STEP: { status: 400, message: 'This step of the sign-in is not the current one. Go back to the app and start again.' },
  MISDIRECTED_REQUEST: {
    status: 421,
    message: 'This server does not answer for that address. Use the sign-in address your app sent you to.',
  },
  NOT_FOUND: { status: 404, message: 'There is no page at this address.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This page does not accept that kind of request.' },
  STORE_UNAVAILABLE: { status: 503, message: 'Sign-in is temporarily unavailable. Please try again in a minute.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side. Please try again.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

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
