import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ConsoleSession } from '../account/console-session.ts';
import type { InteractionDetails } from '../sign-in/interaction-io.ts';
import type { SecondFactorSubject } from '../sign-in/second-factor-state.ts';
import type { MethodView, MfaStatus } from '../mfa/mfa-status.ts';
import type { FactorId } from './factor-id.ts';

export type { FactorId } from './factor-id.ts';

/**
 * How factors and methods are named, and which role a factor has: the registry's answers, handed to
 * the shared sign-in steps through their deps (factor-pause.ts) so that they need not import the
 * registry, which imports every factor, whose challenge steps use those shared steps.
 */
export interface FactorNames {
  codesNameOf(id: FactorId): string;
  roleOf(id: FactorId): 'method' | 'fallback';
  labelOf(method: MethodView): string;
}

/** A challenge route's handler: given the subject only once the route checked it has this factor. */
export type ChallengeHandler = (ctx: Context, details: InteractionDetails, subject: SecondFactorSubject, form: Record<string, string>) => Promise<void>;

/** Where a factor adds its sign-in routes: paths under /interaction/:uid/, each guarded for this factor. */
export interface ChallengeRoutes {
  get(path: string, handler: ChallengeHandler): void;
  post(path: string, handler: ChallengeHandler): void;
}

/**
 * The contract every second factor keeps (as Ory Kratos's strategies do): one folder each
 * (`totp/`, `sms/`, `backup-code/`) with its logic, its challenge step, its setup step, its store
 * port and its views, and one line in the registry (registry.ts). The sign-in routes, the
 * Security page's method list and chooser, and the CLI's status come from the registry, so adding
 * a factor touches no other factor.
 *
 * Each factor names what it needs (as Kratos's strategies declare their dependencies):
 * `SignInDeps` for its sign-in steps, `SetupDeps` for its Security pages. The registry derives
 * from them what the composition must provide, so the compiler checks that createMfa gives every
 * factor what it asks for, and nothing reaches a factor that it did not ask for.
 */
export interface Factor<SignInDeps = never, SetupDeps = never> {
  readonly id: FactorId;
  /**
   * How people name it, on pages and in the CLI. This and every other wording below is read
   * within the request (a getter over the catalogue, i18n/translate.ts), so it comes in the
   * person's language; outside a request (the CLI) it is English.
   */
  readonly name: string;
  /** Its codes inside a sentence, when they are paused: "You can use codes from your authenticator app again in 4 minutes". */
  readonly codesName: string;
  /** RFC 8176 `amr` of a sign-in with the password and this factor. */
  readonly amr: readonly string[];
  /** `method`: what a person signs in with (an account may have several); `fallback`: the backup code. */
  readonly role: 'method' | 'fallback';
  /** The folder of its pug templates (they extend /layout from views/). */
  readonly viewsDir: string;
  /** Whether this account has it (for a method: at least one). */
  has(status: MfaStatus): boolean;
  /** Methods: how one of them is named on pages and in the CLI ("Text message to +44 ••• 56"). */
  labelOf?(method: MethodView): string;
  /** Methods: what support staff see after the label in the CLI's `mfa status` (never a secret). */
  supportDetailsOf?(method: MethodView): string;
  /** Methods with something their owner may edit (a passkey's name): the Security page links there. */
  editHrefOf?(method: MethodView): string;
  /** Methods: the page of `GET /interaction/:uid` when this sign-in asks for this method. */
  showChallenge?(ctx: Context, deps: SignInDeps, details: InteractionDetails, subject: SecondFactorSubject): Promise<void>;
  addChallengeRoutes(routes: ChallengeRoutes, deps: SignInDeps): void;
  addSetupRoutes(router: Router, deps: SetupDeps): void;
  /**
   * Methods that can be set up during a sign-in (a require_mfa app, an account that must have
   * MFA): its first page there, and its routes under /interaction/:uid/, guarded like the
   * challenge routes but for a subject that must enrol.
   */
  readonly enrolAtSignIn?: {
    title: string;
    available(deps: SignInDeps): boolean;
    show(ctx: Context, deps: SignInDeps, details: InteractionDetails, subject: SecondFactorSubject): Promise<void>;
    addRoutes(routes: ChallengeRoutes, deps: SignInDeps): void;
  };
  /** What the Security page's "Set up" chooser offers, when this factor can be set up there. */
  readonly setupChoice?: {
    title: string;
    hint: string;
    available(deps: SetupDeps): boolean;
    /** The chooser's Next: prepares the setup and sends the browser to its first page. */
    start(ctx: Context, deps: SetupDeps, session: ConsoleSession): Promise<void>;
  };
}
