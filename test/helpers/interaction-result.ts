import { UNFINISHED_SIGN_IN } from '../../src/sign-in/second-factor-state.ts';

/**
 * What an Interaction's `result` hands oidc-provider when the browser resumes (a login, a consent,
 * an error), without the plugin's own unfinished sign-in, which lives there until the sign-in
 * ends (src/sign-in/second-factor-state.ts). Undefined when there is nothing.
 */
export function providerResultOf(interaction: { result?: Record<string, unknown> | undefined } | undefined): Record<string, unknown> | undefined {
  const { [UNFINISHED_SIGN_IN]: _unfinished, ...result } = interaction?.result ?? {};
  return Object.keys(result).length > 0 ? result : undefined;
}
