import type Provider from 'oidc-provider';
import type { Clock } from '../clock.ts';
import type { MfaSettings } from '../config/schema.ts';
import type { Csrf } from '../http/csrf.ts';
import type { RenderPage } from '../http/views.ts';
import type { Logger } from '../log.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import type { SmsCodes } from '../mfa/sms-codes.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';
import type { UserDirectory } from '../plugin/user-directory.ts';

export interface ConsoleDeps {
  provider: Provider;
  directory: UserDirectory;
  mfa: MfaService;
  /** Undefined when text messages are off. */
  sms: SmsCodes | undefined;
  allowedCountries: string[] | null;
  transient: TransientStore;
  csrf: Csrf;
  render: RenderPage;
  log: Logger;
  issuer: string;
  issuerOrigin: string;
  bodyLimitBytes: number;
  settings: MfaSettings;
  clock: Clock;
}
