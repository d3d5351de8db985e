import type { SignInFlow } from './flow.ts';
import { passwordFlow } from './password-flow.ts';
import { totpFlow } from './totp-flow.ts';

/**
 * Flows by name, as scenarios (bench/scenarios.ts) refer to them. A new kind of sign-in
 * (SMS, trusted device) is one module exporting a SignInFlow, listed here; the steps all
 * flows share are in steps.ts.
 */
export const FLOWS: Record<string, SignInFlow> = {
  password: passwordFlow,
  totp: totpFlow,
};
