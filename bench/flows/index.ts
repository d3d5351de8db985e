import { backupFlow } from './backup-flow.ts';
import type { SignInFlow } from './flow.ts';
import { passwordFlow } from './password-flow.ts';
import { smsFlow } from './sms-flow.ts';
import { totpFirstPartyFlow, totpFlow } from './totp-flow.ts';
import { trustedFlow } from './trusted-flow.ts';

/**
 * Flows by name, as scenarios (bench/scenarios.ts) refer to them. A new kind of sign-in is one
 * module exporting a SignInFlow, listed here (and its account pool in POOL_OF_FLOW); the steps
 * all flows share are in steps.ts.
 */
export const FLOWS: Record<string, SignInFlow> = {
  password: passwordFlow,
  totp: totpFlow,
  'totp-first-party': totpFirstPartyFlow,
  sms: smsFlow,
  backup: backupFlow,
  trusted: trustedFlow,
};
