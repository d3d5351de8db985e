import type { ErrorCode } from '../errors.ts';

/**
 * The heading of each error page: what happened, in the person's words. The message (errors.ts)
 * says what to do; the heading alone should already tell them where they stand. Most form errors
 * are shown inline beside their field and reach a full page only when a form is replayed or forged.
 * A code without a heading here falls back to one by status (a test lists any that do).
 */
export const ERROR_TITLES: Partial<Record<ErrorCode, string>> = {
  INVALID_CREDENTIALS: "We couldn't sign you in",
  TOO_MANY_ATTEMPTS: 'Sign-in is paused for a while',
  EMAIL_REQUIRED: 'Your email address is missing',
  EMAIL_INVALID: "That email address doesn't look right",
  EMAIL_TOO_LONG: 'That email address is too long',
  EMAIL_TAKEN: 'That email address is already in use',
  EMAIL_INVISIBLE_CHARACTERS: 'That email address has hidden characters',
  EMAIL_LOOKS_TAKEN: 'That email address is already in use',
  PASSWORD_REQUIRED: 'Your password is missing',
  PASSWORD_TOO_SHORT: 'That password is too short',
  PASSWORD_TOO_LONG: 'That password is too long',
  PASSWORD_TOO_COMMON: 'That password is too common',
  PASSWORDS_DIFFERENT: 'The passwords are not the same',
  RESET_LINK_INVALID: 'This link no longer works',
  RESET_TOO_MANY: 'Too many password resets',
  CODE_INVALID: "That code didn't work",
  CODE_REQUIRED: 'The code is missing',
  FACTOR_PAUSED: 'These codes are paused for a while',
  FACTOR_LOCKED: 'These codes are locked',
  PASSKEY_FAILED: "Your passkey couldn't be checked",
  PASSKEY_RESPONSE_REQUIRED: 'Your passkey was not used',
  PASSKEY_NAME_INVALID: 'That passkey name is not right',
  PASSKEY_REQUIRED: 'This app asks for a passkey',
  HARDWARE_PASSKEY_REQUIRED: 'This app asks for a security key',
  NOT_SIGNED_IN: "You're not signed in",
  REAUTH_REQUIRED: 'Confirm it is you',
  SETUP_EXPIRED: 'This setup has expired',
  MFA_NOT_ENABLED: '2-step verification is off',
  SMS_COOLDOWN: 'Wait a moment before asking for another code',
  SMS_ACCOUNT_CAP: 'Too many codes sent',
  SMS_NUMBER_CAP: 'Too many codes sent to this number',
  SMS_IP_CAP: 'Too many codes asked for',
  SMS_UNAVAILABLE: "Text messages can't be sent right now",
  SMS_SEND_FAILED: "We couldn't send the text message",
  PHONE_INVALID: "That phone number doesn't look right",
  PHONE_NOT_MOBILE: "That number can't receive text messages",
  PHONE_COUNTRY_NOT_ALLOWED: "We can't text numbers in that country",
  BACKUP_CODE_CHANGED: 'Your backup code just changed',
  METHOD_NOT_FOUND: 'That method is gone',
  METHOD_EXISTS: 'That number is already set up',
  DEVICE_NOT_FOUND: 'That device is no longer trusted',
  GRANT_NOT_FOUND: 'That app has no access to remove',
  MFA_REQUIRED_BY_POLICY: '2-step verification is required here',
  CSRF_FAILED: 'This form has expired',
  ORIGIN_REJECTED: 'This form came from another site',
  BODY_TOO_LARGE: 'What you sent is too large',
  UNSUPPORTED_MEDIA_TYPE: "This form couldn't be read",
  MALFORMED_BODY: "This form couldn't be read",
  INTERACTION_EXPIRED: 'This sign-in has expired',
  MFA_SET_UP_FIRST: 'Set up 2-step verification first',
  SIGN_IN_UNDER_WAY: 'You are already signing in',
  WRONG_STEP: 'This sign-in has moved on',
  MISDIRECTED_REQUEST: 'Wrong address for this service',
  NOT_FOUND: 'Page not found',
  METHOD_NOT_ALLOWED: "This page can't do that",
  STORE_UNAVAILABLE: 'Sign-in is temporarily unavailable',
  INTERNAL: 'Something went wrong on our side',
};

export function errorTitle(code: ErrorCode, status: number): string {
  return ERROR_TITLES[code] ?? (status >= 500 ? 'Something went wrong on our side' : "That didn't work");
}
