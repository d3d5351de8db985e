/** What a host gives the plugin (createMfa, public-plugin.ts): checked once at start-up by config/plugin-options.ts. */
import type { AuditSink } from '../audit/audit.ts';
import type { Clock } from '../clock.ts';
import type { PurposeSecrets } from '../config/purpose-secrets.ts';
import type { LoginLimits, MfaSettings, SmsLimits } from '../config/settings-schema.ts';
import type { AccountGrantStore } from '../consent/account-grant-store.ts';
import type { SealingKey } from '../crypto/secret-box.ts';
import type { SmsProvider } from '../factors/sms/sms-provider.ts';
import type { CounterStore } from '../guard/counter-store.ts';
import type { RenderPage } from '../http/views.ts';
import type { Logger } from '../log.ts';
import type { MfaStore, TransientStore } from '../mfa/mfa-store.ts';
import type { DeliverNotice } from '../notify/security-notifier.ts';
import type { TrustedDeviceStore } from '../trusted-device/trusted-device-store.ts';
import type { UserDirectory } from './user-directory.ts';
import type { ReadAccountWithMfa } from './request-scope.ts';
export interface MfaPluginOptions {
  /** The provider's issuer URL (its origin is checked on every form POST). */
  issuer: string;
  directory: UserDirectory;
  /**
   * Our stores (openSqliteStore / openRedisStore give all of them). `grants` reads the grants your
   * provider saved through `store.adapterFactory`: remembered consent and "Apps with access".
   */
  store: { mfa: MfaStore; transient: TransientStore; counters: CounterStore; trustedDevices: TrustedDeviceStore; grants: AccountGrantStore };
  /**
   * Optional: an account and its MFA record in one read, for a host whose directory's `findById`
   * answers from the same store (the hosted provider gives `store.accountStates.read`; `account`
   * must be exactly what `directory.findById` answers). Every resume and token request asks
   * whether the session still counts, which reads both: with this, one store call instead of two.
   */
  readAccountWithMfa?: ReadAccountWithMfa;
  /** AES-256-GCM keys for TOTP secrets at rest; the first seals, all open. */
  sealingKeys: SealingKey[];
  /** Server secrets, one list per purpose, newest first (rotation): CSRF, text-code and trusted-device hashes, device cookies. */
  secrets: PurposeSecrets;
  /** Any left out take their defaults (DEFAULT_MFA_SETTINGS). */
  settings?: Partial<MfaSettings>;
  /** Codes by text message; leave out to offer the authenticator app only. Limits left out take their defaults. */
  sms?: { provider: SmsProvider; limits?: Partial<SmsLimits> };
  login?: Partial<LoginLimits>;
  /** The largest form body read; 16 KiB by default. */
  bodyLimitBytes?: number;
  /**
   * Who asks for the password: `plugin` (default) serves the sign-in page; `host` leaves the
   * `login` prompt's page to the host, which checks the password itself and then calls
   * `handOver(ctx, accountId)`; the second factor, enrolment and consent stay the plugin's.
   */
  passwordPage?: 'plugin' | 'host';
  /**
   * Where the strict headers go (CSP without inline code, no framing, nosniff, same-origin
   * referrer and opener): `plugin-pages` (default) — the plugin's pages and files only, so a
   * host's own pages keep theirs; `everywhere` — every answer, oidc-provider's included.
   */
  securityHeaders?: 'plugin-pages' | 'everywhere';
  log?: Logger;
  /** Called with every security event (enrolled, challenge passed/failed, device trusted, ...). */
  onAuditEvent?: AuditSink;
  /**
   * Mails the account's owner about a security change (a method set up or removed, MFA off or
   * reset, the backup code used, a new trusted device, the password changed): called with the
   * mail ready to send (`to`, `subject`, `text`, `html`) and what it is about (`kind`,
   * `accountId`). The host delivers it its own way; a failure is logged and never breaks the change.
   */
  onSecurityNotice?: DeliverNotice;
  /**
   * Where "Forgot password?" on the plugin's sign-in page leads: your own reset page (a path
   * under your site, or an http(s) URL). Left out, the link is not shown. Whatever your reset
   * does, it must create no session: the second factor is still asked for at the next sign-in.
   */
  forgotPasswordUrl?: string;
  clock?: Clock;
  render?: RenderPage;
}
