/**
 * oidc-mfa as a plugin: a host that runs its own oidc-provider and user directory adds the MFA
 * step with createMfa(). See the README ("Adding MFA to your own oidc-provider") and
 * examples/host/host.ts.
 */
export { createMfa, type MfaPlugin } from './plugin/public-plugin.ts';
export { DEFAULT_MFA_SETTINGS, type MfaPluginOptions } from './plugin/create-mfa.ts';
/** Thrown by createMfa() for a bad option; `path` names it (e.g. settings.lockAfterFailures). */
export { MfaOptionsError } from './config/mfa-options-error.ts';
export type { UserDirectory, DirectoryAccount } from './plugin/user-directory.ts';
/** oidc-provider's adapter with its reads shared within one request (wrap your adapter factory with it). */
export { memoizedAdapterFactory } from './plugin/request-scope.ts';
export { ACR, AMR, PAPE_MULTI_FACTOR } from './oidc/acr.ts';
export { openSqliteStore } from './store/sqlite/open-sqlite-store.ts';
export { openRedisStore } from './store/redis/open-redis-store.ts';
export type { Store } from './store/store.ts';
export type { IssuedToken } from './mfa/account-security.ts';
export type { SealingKey } from './crypto/secret-box.ts';
export type { LoginLimits, MfaSettings, SmsLimits } from './config/settings-schema.ts';
/** Codes by text message: a sender for `sms.provider` (Twilio Messaging or Verify; the outbox file is for development). */
export { createTwilioSender, type TwilioSenderOptions } from './factors/sms/twilio-sender.ts';
export { createTwilioVerify, type TwilioVerifyOptions } from './factors/sms/twilio-verify.ts';
export { createOutboxSender, type OutboxOptions } from './factors/sms/outbox-sender.ts';
export { SmsSendError, type SmsCodeSender, type SmsProvider, type SmsVerifyService } from './factors/sms/sms-provider.ts';
/** What `onSecurityNotice` is called with: a mail ready to send, and what it is about. */
export type { SecurityNoticeKind, SecurityNoticeMail } from './notify/security-notices.ts';
export type { MailMessage } from './mail/mail-sender.ts';
