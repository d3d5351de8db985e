import type { SignInFlow } from './flow.ts';
import { passwordFlow } from './password-flow.ts';

/**
 * Flows by name, as scenarios (bench/scenarios.ts) refer to them. A new kind of sign-in
 * (password + TOTP, SMS, trusted device) is one module exporting a SignInFlow, listed here.
 */
export const FLOWS: Record<string, SignInFlow> = {
  password: passwordFlow,
};
