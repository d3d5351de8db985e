import type { OutboxReader } from '../lib/outbox-reader.ts';
import type { BenchAccount, BenchClient } from '../lib/protocol.ts';

/** What one complete sign-in needs: where the identity provider is, which app signs in, as whom. */
export interface FlowContext {
  baseUrl: string;
  client: BenchClient;
  /** The operator's own app, when the server registers one (ours does; the reference does not). */
  firstPartyClient?: BenchClient;
  account: BenchAccount;
  /**
   * Flows with a second factor: the authenticator app's code for this account, now. Call it
   * once, right before the code is posted (each account's time step is used at most once).
   */
  oneTimeCode?: () => string;
  /** SMS flows: the texts the server's development sender wrote (the account has `phone`). */
  outbox?: OutboxReader;
  /** Backup-code flows (the account has `backupCode`): keeps the new code for the account's next sign-in. */
  keepBackupCode?: (code: string) => void;
  /** Aborts every request of this flow when its time is up. */
  signal: AbortSignal;
}

/**
 * One complete sign-in from a fresh browser (no cookies) to tokens in hand. Resolves on
 * success; throws (a FlowError for an unexpected answer) on anything else.
 */
export type SignInFlow = (context: FlowContext) => Promise<void>;
