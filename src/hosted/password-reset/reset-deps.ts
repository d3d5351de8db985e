import { sendHtmlPage } from '../../http/html-page.ts';
import type { Context } from 'koa';
import type { Audit } from '../../audit/audit.ts';
import type { CounterStore } from '../../guard/counter-store.ts';
import type { Csrf } from '../../http/csrf.ts';
import { redirectAfterPost } from '../../http/page-notice.ts';
import type { PluginPaths } from '../../http/plugin-paths.ts';
import type { RenderPage } from '../../http/views.ts';
import type { Logger } from '../../log.ts';
import type { MailSender } from '../../mail/mail-sender.ts';
import type { MfaService } from '../../mfa/mfa-service.ts';
import type { TransientStore } from '../../mfa/mfa-store.ts';
import type { TrustedDevices } from '../../trusted-device/trusted-devices.ts';
import type { ErrorCode } from '../../errors.ts';
import type { AccountDirectory } from '../account-directory.ts';
import type { PasswordResetSettings } from '../config/mail-schema.ts';
import type { ResetLinks } from './reset-links.ts';

/** What the "Forgot password?" pages stand on (hosted provider only: the passwords are its directory's). */
export interface PasswordResetDeps {
  issuer: string;
  issuerOrigin: string;
  paths: PluginPaths;
  render: RenderPage;
  csrf: Csrf;
  bodyLimitBytes: number;
  counters: CounterStore;
  directory: AccountDirectory;
  links: ResetLinks;
  /** Claims one reset at a time per account (two links used at once: one wins). */
  transient: TransientStore;
  mailer: MailSender;
  mfa: MfaService;
  trusted: TrustedDevices;
  audit: Audit;
  log: Logger;
  limits: PasswordResetSettings;
  appName: string;
  support: { url: string | null; email: string | null };
}

/**
 * Post/Redirect/Get with the problem as a code in the address: a code from `allowed` only, so
 * the page shows one of our messages and nothing anyone typed. The page answers with the code's
 * 4xx status.
 */
export function problemIn(ctx: Context, allowed: readonly ErrorCode[]): ErrorCode | undefined {
  const code = ctx.query.problem;
  return typeof code === 'string' && (allowed as readonly string[]).includes(code) ? (code as ErrorCode) : undefined;
}

export function renderPage(ctx: Context, deps: PasswordResetDeps, template: string, model: Record<string, unknown> & { title: string }, problem?: ErrorCode): void {
  sendHtmlPage(ctx, deps.render, template, model, problem);
}

export function backWithProblem(ctx: Context, to: string, problem: ErrorCode): void {
  redirectAfterPost(ctx, `${to}${to.includes('?') ? '&' : '?'}problem=${problem}`);
}
