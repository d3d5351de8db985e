import type { LoginThrottle } from '../guard/login-throttle.ts';
import type { RequirementFor } from './requirement-for.ts';
import type { PluginDeps } from '../plugin/plugin-deps.ts';

/** What the hosted sign-in pages need on top of the shared parts. */
export interface InteractionDeps extends PluginDeps {
  throttle: LoginThrottle;
  /** Whether this account, signing in to this client with these acr_values, still needs a second factor. */
  requirementFor: RequirementFor;
}
