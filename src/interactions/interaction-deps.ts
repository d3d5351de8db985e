import type Provider from 'oidc-provider';
import type { AccountDirectory } from '../accounts/account-directory.ts';
import type { LoginThrottle } from '../guard/login-throttle.ts';
import type { Csrf } from '../http/csrf.ts';
import type { RenderPage } from '../http/views.ts';
import type { Logger } from '../log.ts';

/** What the hosted sign-in pages need; built once by createApp. */
export interface InteractionDeps {
  provider: Provider;
  directory: AccountDirectory;
  throttle: LoginThrottle;
  csrf: Csrf;
  render: RenderPage;
  log: Logger;
  issuerOrigin: string;
  bodyLimitBytes: number;
}
