import type Provider from 'oidc-provider';
import type { Audit } from '../audit/audit.ts';
import type { Clock } from '../clock.ts';
import type { MfaSettings } from '../config/settings-schema.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { FactorGuard } from '../guard/factor-guard.ts';
import type { Csrf } from '../http/csrf.ts';
import type { RenderPage } from '../http/views.ts';
import type { Logger } from '../log.ts';
import type { AccountSecurity } from '../mfa/account-security.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';
import type { SmsCodes } from '../factors/sms/sms-codes.ts';
import type { TrustedDevices } from '../trusted-device/trusted-devices.ts';
import type { UserDirectory } from './user-directory.ts';

/** What the hosted sign-in pages and the Security pages both stand on; built once by createMfa. */
export interface PluginDeps {
  provider: Provider;
  directory: UserDirectory;
  mfa: MfaService;
  /** Undefined when text messages are off (sms.provider = none). */
  sms: SmsCodes | undefined;
  /** Where numbers may be set up (ISO 3166 codes); null for everywhere. */
  allowedCountries: string[] | null;
  /** What the SMS pages tell people: how long a code lasts, how long to wait before another. */
  smsTiming: { codeMinutes: number; cooldownSeconds: number };
  trusted: TrustedDevices;
  security: AccountSecurity;
  transient: TransientStore;
  /** Whether a factor's codes are paused or locked for an account, and until when (the pages say so). */
  factorLock: FactorGuard['lockOf'];
  /** Seals what a page must show again after a redirect (a new backup code) while it waits in `transient`. */
  box: SecretBox;
  csrf: Csrf;
  render: RenderPage;
  log: Logger;
  /** Security events: a log line each, and the host's hook. */
  audit: Audit;
  issuerOrigin: string;
  bodyLimitBytes: number;
  settings: MfaSettings;
  clock: Clock;
}
