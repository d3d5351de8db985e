import type Provider from 'oidc-provider';
import type { LoginThrottle } from '../guard/login-throttle.ts';
import type { Csrf } from '../http/csrf.ts';
import type { RenderPage } from '../http/views.ts';
import type { Logger } from '../log.ts';
import type { RequirementFor } from '../mfa/requirement-for.ts';
import type { MfaService } from '../mfa/mfa-service.ts';
import type { SmsCodes } from '../mfa/sms-codes.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';
import type { UserDirectory } from '../plugin/user-directory.ts';

/** What the hosted sign-in pages need; built once by createMfa. */
export interface InteractionDeps {
  provider: Provider;
  directory: UserDirectory;
  throttle: LoginThrottle;
  mfa: MfaService;
  /** Undefined when text messages are off (sms.provider = none). */
  sms: SmsCodes | undefined;
  transient: TransientStore;
  csrf: Csrf;
  render: RenderPage;
  log: Logger;
  issuerOrigin: string;
  bodyLimitBytes: number;
  /** Whether this account, signing in to this client with these acr_values, still needs a second factor. */
  requirementFor: RequirementFor;
  /** How long "password ok, code pending" is kept: as long as the interaction itself. */
  pendingTtlSeconds: number;
}
